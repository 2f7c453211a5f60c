"""A plugin's archive, built from a content tree: the commit's tree without ``.github/``, zipped by ``git archive``.

The content tree is the archive's identity (as for bundles): two commits with the same content tree give the same
plugin, so the release rebuilds the archive from the merge commit and compares trees instead of trusting a file.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .errors import GitError, UsageError
from .gitrepo import LocalRepo

PLUGIN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([-+][A-Za-z0-9.]+)?$")
CODE_ENV_DESCS = ("code-env/python/desc/desc.json", "code-env/R/desc/desc.json")


@dataclass(frozen=True)
class PluginArchive:
    """The zip of one content tree, with what its ``plugin.json`` says."""

    plugin_id: str
    version: str
    content_tree: str
    data: bytes
    has_code_env: bool
    """The plugin declares a code env (``code-env/<lang>/desc/desc.json``)."""


def read_descriptor(repo: LocalRepo, tree: str) -> tuple[str, str]:
    """``(id, version)`` from ``plugin.json`` of ``tree``; a usage error naming the field when unusable."""
    try:
        text = repo.git("cat-file", "-p", f"{tree}:plugin.json")
    except GitError:
        raise UsageError("Invalid plugin.json: the commit under test has no plugin.json at its root") from None
    try:
        desc = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"Invalid plugin.json: not JSON ({exc})") from None
    if not isinstance(desc, dict):
        raise UsageError("Invalid plugin.json: expected a JSON object")
    plugin_id, version = desc.get("id"), desc.get("version")
    if not isinstance(plugin_id, str) or not PLUGIN_ID_RE.match(plugin_id):
        raise UsageError(f"Invalid plugin.json id {plugin_id!r}: expected lowercase letters, digits, '-' and '_'")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise UsageError(f"Invalid plugin.json version {version!r}: expected MAJOR.MINOR.PATCH[-suffix]")
    return plugin_id, version


def build(repo: LocalRepo, tree: str) -> PluginArchive:
    """The plugin archive of content tree ``tree`` (``git archive --format=zip`` of that tree)."""
    plugin_id, version = read_descriptor(repo, tree)
    data = repo.git_bytes("archive", "--format=zip", tree)
    names = set(repo.git("ls-tree", "-r", "--name-only", tree).splitlines())
    return PluginArchive(plugin_id, version, tree, data, any(d in names for d in CODE_ENV_DESCS))
