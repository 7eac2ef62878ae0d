"""The one way a view reads a JSON request body: bounded, and never a server error.

`json.loads` alone fails in ways a view does not expect: deep nesting raises RecursionError, a
number of more than 4,300 digits raises ValueError from int() (Python's digit limit), and a NUL
byte or a lone surrogate ("\\ud800") parses fine and then breaks PostgreSQL or UTF-8 encoding
when saved. Here each is refused before the view sees the data, as a `BadJSONBody` carrying a
code; views answer it with a 400.
"""

import json
import math
import re
from typing import Any

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32
MAX_INT_DIGITS = 30
# A NUL, or half of a UTF-16 surrogate pair without its other half.
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")


class BadJSONBody(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def unsafe_text(value: str) -> bool:
    """True when `value` holds a NUL byte or a lone surrogate (text no database should get)."""
    return UNSAFE_TEXT.search(value) is not None


def parse_json_body(
    body: bytes | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_int_digits: int = MAX_INT_DIGITS,
) -> Any:
    if len(body) > max_bytes:
        raise BadJSONBody("The request is too large.", "too_large")
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadJSONBody("The request is not UTF-8 text.", "not_utf8") from error
    else:
        text = body
    if _nesting_depth(text) > max_depth:
        raise BadJSONBody("The request is nested too deeply.", "too_deep")
    try:
        data = json.loads(
            text,
            parse_int=lambda digits: _bounded_int(digits, max_int_digits),
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
        )
    except BadJSONBody:
        raise
    except (ValueError, RecursionError) as error:
        raise BadJSONBody("The request is not valid JSON.", "invalid_json") from error
    _refuse_unsafe_text(data)
    return data


def _nesting_depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _bounded_int(digits: str, limit: int) -> int:
    if len(digits.lstrip("-")) > limit:
        raise BadJSONBody(f"A number has more than {limit} digits.", "number_too_long")
    return int(digits)


def _finite_float(text: str) -> float:
    if len(text) > 64:
        raise BadJSONBody("A number is too long.", "number_too_long")
    value = float(text)
    if not math.isfinite(value):
        raise BadJSONBody("A number is too large.", "number_too_large")
    return value


def _refuse_constant(name: str):
    raise BadJSONBody(f"{name} is not a number here.", "not_a_number")


def _refuse_unsafe_text(data: Any) -> None:
    # Iterative: the depth is already bounded, but no recursion is needed at all.
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if unsafe_text(item):
                raise BadJSONBody(
                    "Text may not contain NUL characters or unpaired surrogates.", "unsafe_text"
                )
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
