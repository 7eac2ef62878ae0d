"""No client name in any URL (issue 11, finding 8): a form sent with GET puts its fields into
the URL, and so into the proxy's log and the browser's history. Every GET form in templates/
is read here, whether its fields are written out (name="...") or rendered from a Django form
({{ form.client|as_crispy_field }}); none may carry a field that looks like a name or a search.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
METHOD = re.compile(r"""method\s*=\s*["']?(\w+)""", re.I)
INPUT_NAME = re.compile(r"""\bname\s*=\s*["']([^"']+)["']""", re.I)
FIELD = re.compile(r"\{\{\s*\w*form\.(\w+)")
WHOLE_FORM = re.compile(r"\{\{\s*\w*form\s*(\|[^}]*)?\}\}|\{%\s*crispy\s")
INCLUDE = re.compile(r"""\{%\s*include\s+["']([^"']+)["']""")
# Field names that would carry who a client is, or what was searched for.
NAME_LIKE = re.compile(
    r"(^|_)(q|query|search|name|client|patient|person|legal|phone|email)(_|$)", re.I
)


def with_includes(text: str, depth: int = 0) -> str:
    if depth > 5:
        return text
    return INCLUDE.sub(
        lambda m: (
            with_includes((TEMPLATES / m.group(1)).read_text(), depth + 1)
            if (TEMPLATES / m.group(1)).exists()
            else m.group(0)
        ),
        text,
    )


def get_forms():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = with_includes(path.read_text())
        for match in FORM.finditer(text):
            method = METHOD.search(match.group("attrs"))
            if method is None or method.group(1).lower() == "get":
                yield path.relative_to(TEMPLATES), match.group("body")


def field_names(body: str) -> set[str]:
    return set(INPUT_NAME.findall(body)) | set(FIELD.findall(body))


def test_the_scan_finds_the_get_forms_there_are():
    found = {str(path) for path, _body in get_forms()}
    assert "oversight/_filters.html" in found  # the decisions filters: dates, rule, action


@pytest.mark.parametrize(
    ("path", "body"), [pytest.param(path, body, id=str(path)) for path, body in get_forms()]
)
def test_no_get_form_carries_a_name_or_a_search(path, body):
    names = field_names(body)
    assert not WHOLE_FORM.search(body), f"{path}: a whole form in a GET form cannot be checked"
    bad = sorted(name for name in names if NAME_LIKE.search(name))
    assert not bad, f"{path}: GET form fields {bad} would put a name or a search into the URL"


@pytest.mark.parametrize(
    "html",
    [
        '<form method="get"><input name="q"></form>',
        "<form><input type=text name='client_name'></form>",
        '<form method="GET">{{ form.client|as_crispy_field }}</form>',
    ],
)
def test_the_scan_catches_a_name_in_a_get_form(html):
    (match,) = FORM.finditer(html)
    assert any(NAME_LIKE.search(name) for name in field_names(match.group("body")))
