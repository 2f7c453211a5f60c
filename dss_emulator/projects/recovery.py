"""Project directories as a crash may leave them, and the clean-up run when an instance starts.

A project is created in a hidden ``.creating-<KEY>-<id>`` directory and renamed to ``<KEY>`` once committed; it is
deleted by renaming it to ``.deleting-<KEY>-<id>`` first. A kill at any point therefore leaves either a complete
project or a hidden leftover, which :func:`sweep` removes at the next start, with the git lock files a killed git
command leaves behind (they would make every later command of that project fail).
"""
from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

log = logging.getLogger("dss_emulator")

CREATING = ".creating-"
DELETING = ".deleting-"
_GIT_LOCKS = ("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock")


def aside(folder: Path, prefix: str, key: str) -> Path:
    """A fresh hidden path next to the projects, for building (``CREATING``) or dropping (``DELETING``) one."""
    return folder / f"{prefix}{key}-{uuid.uuid4().hex[:8]}"


def has_commit(tree: Path) -> bool:
    """True when the work tree's HEAD names a commit (read from the files: no git process per project)."""
    git_dir = tree / ".git"
    try:
        head = (git_dir / "HEAD").read_text().strip()
    except OSError:
        return False
    if not head.startswith("ref: "):
        return bool(head)
    ref = head[len("ref: "):]
    if (git_dir / ref).is_file():
        return True
    packed = git_dir / "packed-refs"
    return packed.is_file() and any(line.endswith(" " + ref) for line in packed.read_text().splitlines())


def sweep(trees: Path, states: Path) -> list[str]:
    """Remove what interrupted creations and deletions left; answer one line per thing removed."""
    removed = []
    for path in sorted(trees.iterdir()):
        if path.name.startswith((CREATING, DELETING)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(f"leftover {path.name}")
        elif path.is_dir() and not has_commit(path):  # a project directory no creation finished
            shutil.rmtree(path, ignore_errors=True)
            shutil.rmtree(states / path.name, ignore_errors=True)
            removed.append(f"unfinished project {path.name}")
        else:
            for name in _GIT_LOCKS:
                lock = path / ".git" / name
                if lock.exists():
                    lock.unlink()
                    removed.append(f"stale {path.name}/.git/{name}")
    if states.is_dir():
        for path in states.iterdir():
            if path.name.startswith(DELETING):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(f"leftover state {path.name}")
    for line in removed:
        log.warning("recovered from an interrupted run: removed %s", line)
    return removed
