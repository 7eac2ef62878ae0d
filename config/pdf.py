"""HTML to PDF with WeasyPrint, fetching nothing from outside (config.pdf_fetcher).

Shared by every app that prints a document: the signed intake (intake/) and the session
summaries, letters and reports (review/, oversight/). WeasyPrint is imported only when a PDF is
rendered: it takes half a second, which every worker would otherwise pay on its first request.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.pdf_fetcher import StaticOnlyFetcher

# Relative URLs in the PDF templates resolve against this origin; it exists nowhere.
PDF_BASE_URL = "https://pdf.invalid/"


def html_to_pdf(html: str, *, fetcher: "StaticOnlyFetcher | None" = None) -> bytes:
    import weasyprint

    from config import pdf_fetcher

    fetcher = fetcher or pdf_fetcher.StaticOnlyFetcher()
    return weasyprint.HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
