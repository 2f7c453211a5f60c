"""``GET /git/actions/diff``: working copy vs HEAD, the changes of one commit, or between two commits.

Each entry is ``{changeType: ADD|MODIFY|DELETE|TYPECHANGE, oldPath, newPath, addedLines, removedLines, binary,
diff}`` (``diff`` is git's unified patch of that file). DSS's own entry keys are not documented; these are the
emulator's.
"""
from __future__ import annotations

import re

from ..core.exceptions import InvalidArgument
from .repo import Repo
from .views import commit_summary

_CHANGE_TYPES = {"A": "ADD", "M": "MODIFY", "D": "DELETE", "T": "TYPECHANGE"}
_PATCH_SPLIT = re.compile(r"^(?=diff --git )", re.M)


def _tracked_entries(repo: Repo, revs: list[str]) -> list[dict]:
    base = ["diff", "--no-renames", "--no-color", "--no-ext-diff", *revs]
    names = repo.git(*base, "--name-status", "-z", "--").stdout.split("\0")
    stats = repo.git(*base, "--numstat", "-z", "--").stdout.split("\0")
    patches = [p for p in _PATCH_SPLIT.split(repo.git(*base, "--").stdout) if p.startswith("diff --git ")]
    entries = []
    for i, (status, path) in enumerate(zip(names[0::2], names[1::2], strict=False)):
        added, removed, _ = stats[i].split("\t", 2)
        binary = added == "-"
        kind = _CHANGE_TYPES.get(status[:1], "MODIFY")
        entries.append({
            "changeType": kind,
            "oldPath": None if kind == "ADD" else path,
            "newPath": None if kind == "DELETE" else path,
            "addedLines": 0 if binary else int(added),
            "removedLines": 0 if binary else int(removed),
            "binary": binary,
            "diff": patches[i] if i < len(patches) else "",
        })
    return entries


def _empty_tree(repo: Repo) -> str:
    return repo.git("hash-object", "-t", "tree", "--stdin", input="").stdout.strip()


def _untracked_entries(repo: Repo, paths: list[str]) -> list[dict]:
    entries = []
    for path in paths:
        data = (repo.tree / path).read_bytes()
        binary = b"\0" in data
        lines = 0 if binary else data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        patch = repo.git("diff", "--no-color", "--no-index", "--", "/dev/null", path, check=False).stdout
        entries.append({"changeType": "ADD", "oldPath": None, "newPath": path, "addedLines": lines,
                        "removedLines": 0, "binary": binary, "diff": patch})
    return entries


def diff(repo: Repo, commit_from: str | None, commit_to: str | None) -> dict:
    """Working copy (untracked files included) vs HEAD when no commit is given; the changes ``commit_from``
    introduced when only it is given (``commitFrom`` then describes its parent); ``commit_from`` .. ``commit_to``
    when both are."""
    if commit_to and not commit_from:
        raise InvalidArgument("commitTo needs commitFrom",
                              f"commitTo needs commitFrom: commitTo={commit_to!r} was given without commitFrom")
    if not commit_from:
        head = repo.head()
        revs = [head] if head else []
        untracked = repo.git("ls-files", "-z", "--others", "--exclude-standard").stdout.split("\0")
        entries = _tracked_entries(repo, revs) + _untracked_entries(repo, sorted(filter(None, untracked)))
        summaries = (commit_summary(repo, head) if head else {}, {})
    else:
        sha_from = repo.resolve("commitFrom", commit_from)
        if commit_to:
            base, sha_to = sha_from, repo.resolve("commitTo", commit_to)
        else:  # the changes of one commit: from its first parent (or the empty tree for a root commit)
            base, sha_to = repo.out("rev-parse", "--verify", "-q", f"{sha_from}^"), sha_from
        entries = _tracked_entries(repo, [base or _empty_tree(repo), sha_to])
        summaries = (commit_summary(repo, base) if base else {}, commit_summary(repo, sha_to))
    return {
        "commitFrom": summaries[0],
        "commitTo": summaries[1],
        "addedLines": sum(e["addedLines"] for e in entries),
        "removedLines": sum(e["removedLines"] for e in entries),
        "changedFiles": len(entries),
        "entries": entries,
    }
