"""One checker for the JSON shapes the emulator relies on, answering a one-line 400 that names the field.

A shape is a JSON type (``dict``, ``list``, ``str``, ``int``, ``bool``), a one-item list ``[shape]`` (a list whose
items have that shape), a dict ``{field: shape}`` (an object whose listed fields, when present, have their shape;
other fields are free), or a tuple of alternatives (``(str, None)``: a string or null).
"""
from __future__ import annotations

import json
from typing import Any

from .exceptions import invalid

Shape = Any

_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a number", bool: "a boolean", None: "null"}


def describe(shape: Shape) -> str:
    if isinstance(shape, tuple):
        return " or ".join(describe(s) for s in shape)
    if isinstance(shape, list):
        return f"a list of {describe(shape[0]).removeprefix('a ').removeprefix('an ')}s"
    if isinstance(shape, dict):
        return "an object"
    return _NAMES[shape]


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _matches_type(value: Any, shape: Shape) -> bool:
    if shape is None:
        return value is None
    if isinstance(shape, (dict, list)):
        return isinstance(value, type(shape))
    if shape is int:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, shape)


def check(value: Any, shape: Shape, where: str = "") -> Any:
    """Return ``value`` when it has ``shape``; raise a 400 naming the first wrong field (``where`` prefixes it:
    a file name, or nothing for a request body)."""
    alternatives = shape if isinstance(shape, tuple) else (shape,)
    matching = next((alt for alt in alternatives if _matches_type(value, alt)), _NAMES)
    if matching is _NAMES:
        raise invalid(f"Invalid {where or 'request body'}: expected {describe(shape)}, got {_shown(value)}")
    if isinstance(matching, list):
        for i, item in enumerate(value):
            check(item, matching[0], f"{where}[{i}]")
    elif isinstance(matching, dict):
        for field, sub in matching.items():
            if field in value:
                check(value[field], sub, f"{where}.{field}" if where else field)
    return value
