"""The only way a PDF reaches a resource: the project's own static files, and the few images
the caller hands over itself (a signature), nothing else (config.pdf). Importing this module
imports WeasyPrint, so config.pdf imports it only when it renders."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

from config.pdf import PDF_BASE_URL


class RefusedResource(ValueError):
    code = "resource_refused"


class StaticOnlyFetcher(URLFetcher):
    """Serves PDF_BASE_URL + STATIC_URL + path from our static folders; refuses the rest.

    `attachments` maps a name to (bytes, content type): the template asks for it as
    PDF_BASE_URL + "attachment/" + name (the signed intake's signature images), so no image a
    client sent ever becomes a data: URL or a file. Keeps a list of what was asked for and what
    was refused, for tests and logs.
    """

    def __init__(self, attachments: dict[str, tuple[bytes, str]] | None = None):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.served: list[str] = []
        self.refused: list[str] = []
        self._prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
        self._attachments = {
            PDF_BASE_URL + "attachment/" + name: value
            for name, value in (attachments or {}).items()
        }
        self._roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]

    def fetch(self, url, headers=None):
        if url in self._attachments:
            self.served.append(url)
            content, content_type = self._attachments[url]
            return URLFetcherResponse(url, content, {"Content-Type": content_type})
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedResource(f"PDF may not load {url[:80]}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _static_path(self, url: str) -> Path | None:
        if not url.startswith(self._prefix):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        relative = unquote(url[len(self._prefix) :])
        for root in self._roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None
