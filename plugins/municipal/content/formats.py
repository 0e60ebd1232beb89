"""The formats our schemas use (date, email, uri), checked the same way by both validators.

jsonschema's own checks are lenient (an e-mail only needs an "@"), and the
compiled fast path must agree with the full validator exactly, so both get
these functions.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from jsonschema import FormatChecker

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def is_date(value) -> bool:
    """An existing calendar date written AAAA-MM-DD (2026-02-30 is not one)."""
    if not isinstance(value, str):
        return True
    if not ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_email(value) -> bool:
    return not isinstance(value, str) or EMAIL.fullmatch(value) is not None


def is_uri(value) -> bool:
    """An absolute web address: a scheme, a host and no spaces."""
    if not isinstance(value, str):
        return True
    if any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed "[" in the host
        return False
    return bool(parts.scheme and parts.netloc)


FORMATS = {"date": is_date, "email": is_email, "uri": is_uri}
"""Format name → check, for fastjsonschema.compile(formats=...)."""


def format_checker() -> FormatChecker:
    """A jsonschema FormatChecker with exactly our formats."""
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker
