"""Bundle ids, shared by the bundles and deployer areas."""
from __future__ import annotations

import re

from ..core.exceptions import InvalidArgument

BUNDLE_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def check_bundle_id(bundle_id: object, field: str = "bundleId") -> str:
    """Return ``bundle_id`` if it is a valid DSS bundle id, else raise a 400 naming the field and the value."""
    if not isinstance(bundle_id, str) or not BUNDLE_ID_RE.match(bundle_id):
        raise InvalidArgument(f"Invalid bundle id: {bundle_id!r}",
                              f"{field} must be 1-100 characters among letters, digits, '_', '-' and '.', "
                              f"not starting with '-' or '.', got {bundle_id!r}")
    return bundle_id

