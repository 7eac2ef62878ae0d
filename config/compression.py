"""Compressed HTML, except where compression would leak a secret (BREACH).

Django's GZipMiddleware, which pads every stream by a random length, with two exceptions that
go uncompressed: the pages of NOT_COMPRESSED, each of which prints a long-lived secret beside
text from the request (the two-factor set-up prints its key, the same on every visit until a
code confirms it, beside its `next`), and the admin, which prints records and device details
beside the search and filter text of its query string. An attacker who sees response sizes
and can make the browser ask for many such pages could otherwise read the secret a few
characters at a time, the padding averaged away (docs/DEPLOY.md, "Compression")."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# URL names of pages that print a long-lived secret; a new such page goes here.
NOT_COMPRESSED = frozenset({"accounts:2fa_setup"})


class CompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.view_name in NOT_COMPRESSED or "admin" in match.app_names):
            return response
        return super().process_response(request, response)
