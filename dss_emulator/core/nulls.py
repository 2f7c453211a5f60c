"""DSS's JSON serializer drops properties whose value is null (EV-T06): every JSON answer goes through here."""
from __future__ import annotations

from typing import Any


def drop_nulls(value: Any) -> Any:
    """``value`` without the null-valued keys of its objects, at any depth (null list items stay)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(item) for item in value]
    return value
