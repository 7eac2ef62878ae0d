"""Where an intake was signed, in a few words for the signed PDF: which kind of device and which
browser, never the whole user-agent string (it fingerprints the device and says nothing a
clinic needs)."""

import re

_BROWSERS = (
    ("Edge", r"Edg(?:A|iOS)?/(\d+)"),
    ("Samsung Internet", r"SamsungBrowser/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+)[.\d]* (?:Mobile/\w+ )?Safari/"),
)
_SYSTEMS = (
    ("iPad", r"iPad"),
    ("iPhone", r"iPhone"),
    ("Android", r"Android"),
    ("ChromeOS", r"CrOS"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux"),
)


def browser_summary(user_agent: str) -> str:
    """ "Chrome 131 on Android", or "unknown browser"."""
    user_agent = user_agent[:512]
    browser = next(
        (
            f"{name} {m.group(1)}"
            for name, pattern in _BROWSERS
            if (m := re.search(pattern, user_agent))
        ),
        "",
    )
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "unknown browser"


def device_summary(*, remote: bool, user_agent: str) -> str:
    where = "Client's own phone or computer (intake link)" if remote else "Clinic tablet"
    return f"{where} · {browser_summary(user_agent)}"[:120]
