"""What git may bring into a project or plugin: no symbolic links or submodules, remotes only where allowed.

The emulator reads and writes a project's files through plain paths. A symbolic link pulled from a remote
(``variables.json -> ../../keys.json``, ``datasets -> ../OTHER/datasets``) would let a key scoped to one project
read the instance's API keys or write another project's files, and a local-path remote pointing at another
project's repository would copy it. So (invented safety rules, not DSS behaviour):

* every git operation that checks a commit out first checks its tree (:func:`require_safe_tree`): no symbolic
  link, no submodule;
* remotes are checked when set and again when used (:class:`RemotePolicy`): remote helpers (``ext::``, ``fd::``)
  and schemes other than http(s), ssh and git are refused; a local path (or ``file://`` URL) must lie under one of
  the configured ``local_remote_roots`` and outside the emulator's data directory.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..core.exceptions import DSSError, invalid
from ..core.gitcmd import git_bytes
from ..projects.file_shapes import check_file_bytes, file_shape
from .repo import Repo, redact

NETWORK_SCHEMES = frozenset({"http", "https", "ssh", "git", "git+ssh", "ssh+git"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HELPER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+.-]*::")
_UNSAFE_MODES = {"120000": "a symbolic link", "160000": "a submodule"}


def _tree(repo: Repo, rev: str) -> list[tuple[str, str, str]]:
    """``(mode, object id, path)`` of every file of ``rev``."""
    out = repo.git("ls-tree", "-r", "-z", "--full-tree", rev).stdout
    entries = []
    for entry in filter(None, out.split("\0")):
        meta, _, path = entry.partition("\t")
        mode, _, oid = meta.split(" ", 2)
        entries.append((mode, oid, path))
    return entries


def _blobs(repo: Repo, oids: list[str]) -> list[bytes]:
    """The contents of blobs ``oids``, read by one ``git cat-file --batch``."""
    out = git_bytes(repo.tree, "cat-file", "--batch", input="".join(f"{oid}\n" for oid in oids).encode())
    contents, pos = [], 0
    for _ in oids:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        contents.append(out[header_end + 1:header_end + 1 + size])
        pos = header_end + 1 + size + 1
    return contents


def require_safe_tree(repo: Repo, rev: str, label: str) -> None:
    """Raise a 400 naming the first symbolic link or submodule of ``rev`` (``label`` says where it comes from),
    or the first project JSON file that does not have its declared shape."""
    entries = _tree(repo, rev)
    bad = [(path, _UNSAFE_MODES[mode]) for mode, _, path in entries if mode in _UNSAFE_MODES]
    if bad:
        path, what = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise invalid(f"Refused to check out {label}: {path!r} is {what}{more}",
                      f"commit {rev[:12]}: the DSS emulator checks out no symbolic links or submodules; "
                      "nothing was changed")
    declared = [(oid, path) for _, oid, path in entries if file_shape(path) is not None]
    for (_, path), content in zip(declared, _blobs(repo, [oid for oid, _ in declared]), strict=True):
        try:
            check_file_bytes(path, content)
        except DSSError as error:
            raise invalid(f"Refused to check out {label}: {error.message}",
                          f"commit {rev[:12]}: {error.message}; nothing was changed") from None


class RemotePolicy:
    """Which remote URLs git may use: network URLs, and local paths under ``roots`` but outside ``data_dir``."""

    def __init__(self, roots: Iterable[Path], data_dir: Path):
        self.roots = [Path(os.path.realpath(root)) for root in roots]
        self.data_dir = Path(os.path.realpath(data_dir))

    def check(self, url: str, cwd: Path) -> None:
        """Raise a 400 naming ``url`` when git must not use it from the repository at ``cwd``."""
        shown = redact(url)
        if _HELPER_RE.match(url):
            raise invalid(f"Invalid remote url: {shown!r}", "git remote helpers (transport::address) are refused")
        scheme = _SCHEME_RE.match(url)
        if scheme and scheme.group(1).lower() != "file":
            if scheme.group(1).lower() not in NETWORK_SCHEMES:
                raise invalid(f"Invalid remote url: {shown!r}",
                              f"the scheme must be one of {', '.join(sorted(NETWORK_SCHEMES))} or file")
            return
        if not scheme and ":" in url and "/" not in url.split(":", 1)[0]:
            return  # scp-like ``[user@]host:path``: ssh
        path = url[len("file://"):] if scheme else url
        self._check_local(shown, Path(os.path.realpath(cwd / path)))

    def in_data_dir(self, path: Path) -> bool:
        """True when ``path`` (links resolved) is the emulator's data directory or lies inside it."""
        target = Path(os.path.realpath(path))
        return target == self.data_dir or self.data_dir in target.parents

    def _check_local(self, shown: str, target: Path) -> None:
        if self.in_data_dir(target):
            raise invalid(f"Invalid remote url: {shown!r}",
                          "a local-path remote may not point inside the emulator's data directory")
        if not any(target == root or root in target.parents for root in self.roots):
            allowed = ", ".join(map(str, self.roots)) or "none configured"
            raise invalid(f"Invalid remote url: {shown!r}",
                          f"a local-path remote must lie under one of the local_remote_roots ({allowed})")

    def check_remotes(self, repo: Repo, names: Iterable[str] | None = None) -> None:
        """Check the configured URL of each remote in ``names`` (default: every remote) before git uses it."""
        remotes = repo.remotes()
        for name in remotes if names is None else names:
            if name in remotes:
                self.check(remotes[name], repo.tree)
