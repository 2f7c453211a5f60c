"""Bundle archives: a zip of the project's committed files, the data of chosen datasets, and a manifest.

Layout: ``export-manifest.json``, ``project_config/<file>`` (``git archive`` of one commit),
``datasets_data/<dataset>/data.csv``.
"""
from __future__ import annotations

import io
import json
import os
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..core.gitcmd import git
from ..projects.file_shapes import check_file_bytes
from .common import BUNDLE_ID_RE
from .connections import dataset_connection
from .exceptions import (
    DatasetDataNotCommitted,
    InvalidBundleArchive,
    InvalidManifest,
    NotABundleArchive,
    UnsafeArchiveMember,
)

MANIFEST = "export-manifest.json"
CONFIG_PREFIX = "project_config/"
DATA_PREFIX = "datasets_data/"
_DATA_MEMBER_RE = re.compile(r"^datasets_data/([A-Za-z0-9_][A-Za-z0-9_.-]{0,199})/data\.csv$")


def required_connections(datasets: dict[str, dict], connection_type: Callable[[str], str | None]) -> list[dict]:
    """``[{name, type, usedBy: [dataset, ...]}]`` for the connections ``datasets`` need, sorted by name.

    ``type`` is the connection's type on the exporting node (omitted when that node does not know the connection).
    """
    used: dict[str, list[str]] = {}
    for name in sorted(datasets):
        connection = dataset_connection(datasets[name])
        if connection:
            used.setdefault(connection, []).append(name)
    found = []
    for conn in sorted(used):
        kind = connection_type(conn)
        found.append({"name": conn, "usedBy": used[conn], **({"type": kind} if kind else {})})
    return found


def _datasets_in(zf: zipfile.ZipFile) -> dict[str, dict]:
    found = {}
    for member in zf.namelist():
        rel = member[len(CONFIG_PREFIX):] if member.startswith(CONFIG_PREFIX) else None
        if rel and rel.startswith("datasets/") and rel.endswith(".json") and rel.count("/") == 1:
            found[posixpath.basename(rel)[:-len(".json")]] = json.loads(zf.read(member))
    return found


def build_archive(tree: Path, commit: str, dest: Path, manifest: dict, data_file: Callable[[str], Path],
                  connection_type: Callable[[str], str | None]) -> dict:
    """Write the bundle of ``commit`` of the work tree ``tree`` to ``dest``; return the completed manifest.

    The datasets named in the committed ``params.json`` (``bundleExporterSettings.exportOptions.
    includedDatasetsData``) carry their data, read from ``data_file(name)`` when it exists.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    git(tree, "archive", "--format=zip", f"--prefix={CONFIG_PREFIX}", "-o", str(tmp), commit)
    try:
        with zipfile.ZipFile(tmp, "a", compression=zipfile.ZIP_DEFLATED) as zf:
            params = json.loads(zf.read(CONFIG_PREFIX + "params.json"))
            datasets = _datasets_in(zf)
            options = (params.get("bundleExporterSettings") or {}).get("exportOptions") or {}
            included = []
            for item in options.get("includedDatasetsData") or []:
                name = item.get("name") if isinstance(item, dict) else None
                if name not in datasets:
                    raise DatasetDataNotCommitted(name)
                source = data_file(name)
                if source.is_file():
                    zf.write(source, f"{DATA_PREFIX}{name}/data.csv")
                    included.append({"name": name, "type": datasets[name].get("type")})
            manifest = dict(manifest, requiredConnections=required_connections(datasets, connection_type),
                            includedDatasetsData=included)
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


class BundleArchive:
    """A bundle zip read back (imports, uploads, activation), checked for shape and unsafe member names."""

    def __init__(self, content: bytes, source: str = "bundle archive"):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(content))
            names = self._zip.namelist()
        except zipfile.BadZipFile:
            raise NotABundleArchive(source, "is not a zip file") from None
        for name in names:
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or ".git" in parts or "\\" in name:
                raise UnsafeArchiveMember(source, name)
        if MANIFEST not in names:
            raise NotABundleArchive(source, f"has no {MANIFEST}")
        try:
            self.manifest = json.loads(self._zip.read(MANIFEST))
        except ValueError as exc:
            raise InvalidManifest(MANIFEST, source, f"is not JSON: {exc}") from None
        bundle_id = self.manifest.get("bundleId") if isinstance(self.manifest, dict) else None
        if not isinstance(bundle_id, str) or not BUNDLE_ID_RE.match(bundle_id):
            raise InvalidManifest(MANIFEST, source, f"has an invalid bundleId {bundle_id!r}")
        if not isinstance(self.manifest.get("originalProjectKey"), str):
            raise InvalidManifest(MANIFEST, source, "has no originalProjectKey")
        if CONFIG_PREFIX + "params.json" not in names:
            raise InvalidBundleArchive(f"{source} has no {CONFIG_PREFIX}params.json")
        self._names = names
        for rel, content in self.project_files().items():  # what activation writes must have its declared shape
            check_file_bytes(rel, content)

    @classmethod
    def from_path(cls, path: Path) -> BundleArchive:
        return cls(Path(path).read_bytes(), str(path))

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundleId"]

    @property
    def project_key(self) -> str:
        return self.manifest["originalProjectKey"]

    def project_files(self) -> dict[str, bytes]:
        """The project's files, keyed by path relative to the project root."""
        return {name[len(CONFIG_PREFIX):]: self._zip.read(name) for name in self._names
                if name.startswith(CONFIG_PREFIX) and not name.endswith("/")}

    def params(self) -> dict:
        return json.loads(self._zip.read(CONFIG_PREFIX + "params.json"))

    def datasets(self) -> dict[str, dict]:
        return _datasets_in(self._zip)

    def scenario_ids(self) -> list[str]:
        """Ids of the scenarios the bundle holds, sorted."""
        return sorted(posixpath.basename(n)[:-len(".json")] for n in self._names
                      if n.startswith(CONFIG_PREFIX + "scenarios/") and n.endswith(".json") and n.count("/") == 2)

    def dataset_data(self) -> dict[str, bytes]:
        """``{dataset: data.csv bytes}`` for the datasets whose data travels in the bundle."""
        found = {}
        for name in self._names:
            match = _DATA_MEMBER_RE.match(name)
            if match:
                found[match.group(1)] = self._zip.read(name)
        return found
