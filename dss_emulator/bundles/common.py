"""Bundle ids and where bundle archives are kept, shared by the bundles and deployer areas."""
from __future__ import annotations

import re
from pathlib import Path

from .exceptions import InvalidBundleId

BUNDLE_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def check_bundle_id(bundle_id: object, field: str = "bundleId") -> str:
    """Return ``bundle_id`` if it is a valid DSS bundle id, else raise a 400 naming the field and the value."""
    if not isinstance(bundle_id, str) or not BUNDLE_ID_RE.match(bundle_id):
        raise InvalidBundleId(bundle_id, field)
    return bundle_id



def archive_folder(node_root: Path, kind: str) -> Path:
    """Where a node keeps bundle archives of one ``kind``: ``exported``, ``imported`` or ``published``."""
    return node_root / "bundles" / kind


def archive_file(folder: Path, project_key: str, bundle_id: str) -> Path:
    """The archive of bundle ``bundle_id`` of ``project_key`` in ``folder`` (see :func:`archive_folder`)."""
    return folder / project_key / f"{bundle_id}.zip"
