"""The one base class for refusals the domain raises: a message for people, a stable `code`
for programs and tests, and the form `field` it is about (None when it is about no one field).

It lives in accounts, the first Django layer, so that every service and view can import it
(tests/test_layers.py). Views turn a DomainError into a 4xx answer, never a 500.
"""


class DomainError(Exception):
    def __init__(self, message: str, code: str, field: str | None = None, codes=()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.codes = tuple(codes) or (code,)  # every problem found, for one message each
