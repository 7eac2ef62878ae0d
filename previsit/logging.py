"""A logging filter that blanks the token of an intake link (/p/<token>/) in any record."""

import logging
import re

TOKEN_PATH = re.compile(r"/p/(?!verify/|code/|closed/)[A-Za-z0-9_-]{16,}")


class HideLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/p/" in message and TOKEN_PATH.search(message):
            record.msg = TOKEN_PATH.sub("/p/[token]", message)
            record.args = ()
        return True
