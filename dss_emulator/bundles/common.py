"""Small helpers shared by the bundles and deployer areas: ids, timestamps, info-messages reports."""
from __future__ import annotations

import re
import time

from ..core.exceptions import InvalidArgument

BUNDLE_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
SEVERITIES = ("SUCCESS", "INFO", "WARNING", "ERROR")


def now_ms() -> int:
    """Now in epoch milliseconds, the format of the ``*On`` fields of bundles, packages and deployments.

    The *On timestamps the sources show are epoch ms (``createdOn`` in the client's docstrings, EV-P03, EV-J01,
    EV-S07); none shows ``exportedOn`` / ``importedOn`` / ``activatedOn`` / ``publishedOn`` (EV-B12): inferred.
    """
    return int(time.time() * 1000)


def check_bundle_id(bundle_id: object, field: str = "bundleId") -> str:
    """Return ``bundle_id`` if it is a valid DSS bundle id, else raise a 400 naming the field and the value."""
    if not isinstance(bundle_id, str) or not BUNDLE_ID_RE.match(bundle_id):
        raise InvalidArgument(f"Invalid bundle id: {bundle_id!r}",
                              f"{field} must be 1-100 characters among letters, digits, '_', '-' and '.', "
                              f"not starting with '-' or '.', got {bundle_id!r}")
    return bundle_id


def message(severity: str, code: str, title: str, text: str, fatal: bool = False) -> dict:
    """One DSS info message."""
    return {"severity": severity, "isFatal": fatal, "code": code, "title": title, "message": text, "details": text}


def info_messages(messages: list[dict]) -> dict:
    """DSS's info-messages report (``DSSInfoMessages``) built from ``messages``."""
    severities = [m["severity"] for m in messages]
    worst = max(severities, key=SEVERITIES.index) if severities else None
    return {
        "messages": messages,
        "anyMessage": bool(messages),
        "success": "SUCCESS" in severities,
        "warning": "WARNING" in severities,
        "error": "ERROR" in severities,
        "fatal": any(m["isFatal"] for m in messages),
        "maxSeverity": worst,
    }
