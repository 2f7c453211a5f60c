"""Read-only views of a project repository in the shapes DSS answers: status, log, branches, tags."""
from __future__ import annotations

from datetime import UTC, datetime

from ..core.exceptions import InvalidArgument
from .repo import Repo, redact

_FILE_LISTS = ("added", "changed", "removed", "missing", "modified", "conflicting", "untracked", "untrackedFolders")
_UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}
_LOG_FORMAT = "%H%x1f%an%x1f%ct%x1f%B"


def iso_timestamp(epoch_seconds: int) -> str:
    """DSS's log timestamp: ISO-8601 in UTC with milliseconds and a numeric offset (``...T12:34:56.000+0000``)."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _porcelain(repo: Repo, untracked: str) -> list[tuple[str, str]]:
    out = repo.git("status", "--porcelain", "-z", "--no-renames", f"--untracked-files={untracked}").stdout
    return [(entry[:2], entry[3:]) for entry in out.split("\0") if entry]


def file_lists(repo: Repo) -> dict[str, list[str]]:
    """JGit's status lists: staged (added/changed/removed), unstaged (missing/modified), conflicts, untracked."""
    lists: dict[str, list[str]] = {name: [] for name in _FILE_LISTS}
    for xy, path in _porcelain(repo, "all"):
        x, y = xy
        if xy == "??":
            lists["untracked"].append(path)
        elif xy in _UNMERGED:
            lists["conflicting"].append(path)
        else:
            for code, mapping in ((x, {"A": "added", "M": "changed", "T": "changed", "D": "removed"}),
                                  (y, {"D": "missing", "M": "modified", "T": "modified", "A": "added"})):
                if code in mapping:
                    lists[mapping[code]].append(path)
    lists["untrackedFolders"] = [path.rstrip("/") for xy, path in _porcelain(repo, "normal")
                                 if xy == "??" and path.endswith("/")]
    return {name: sorted(set(paths)) for name, paths in lists.items()}


def tracking_count(repo: Repo, branch: str | None) -> dict[str, int]:
    """Commits ahead of / behind the upstream as last fetched (no network, like DSS); 0/0 without upstream."""
    ref = repo.upstream_ref(branch) if branch else None
    if ref is None:
        return {"ahead": 0, "behind": 0}
    ahead, behind = repo.git("rev-list", "--left-right", "--count", f"HEAD...{ref}").stdout.split()
    return {"ahead": int(ahead), "behind": int(behind)}


def status(repo: Repo) -> dict:
    """``GET /git/status``, with the keys the client's docstring lists (no HEAD SHA: read it from the log).

    ``hasUncommittedChanges`` counts untracked files too: in a DSS project every file outside ``.gitignore`` is
    project content that the next commit would add.
    """
    branch = repo.current_branch()
    lists = file_lists(repo)
    dirty = any(lists.values())
    return {
        "currentBranch": branch or "HEAD",
        "remotes": [{"name": name, "url": url} for name, url in sorted(repo.remotes().items())],
        "trackingCount": tracking_count(repo, branch),
        "clean": not dirty,
        "hasUncommittedChanges": dirty,
        **lists,
    }


def _entry(record: str) -> dict:
    sha, author, ctime, message = record.split("\x1f", 3)
    return {"commit": sha, "author": author, "message": message.strip(), "timestamp": iso_timestamp(int(ctime))}


def commit_summary(repo: Repo, sha: str) -> dict:
    return _entry(repo.git("log", "-1", f"--format={_LOG_FORMAT}", sha).stdout)


def log(repo: Repo, start: str | None, count: int, path: str | None) -> dict:
    """``GET /git/actions/log``: newest first, at most ``count`` entries, ``nextCommit`` when more remain."""
    if count < 1:
        raise InvalidArgument(f"Invalid count: {count}", f"Invalid count: {count} (count must be at least 1)")
    if path is not None and (path.startswith("-") or "\0" in path):
        raise InvalidArgument(f"Invalid path: {path!r}")
    start_sha = repo.resolve("startCommit", start) if start else repo.head()
    if start_sha is None:
        return {"entries": []}
    args = ["log", "-z", f"--format={_LOG_FORMAT}", f"--max-count={count + 1}", start_sha, "--"]
    result = repo.git(*args, *([path] if path else []), check=False)
    if not result.ok:
        raise InvalidArgument(f"Invalid log path: {path!r}", f"Invalid log path: {path!r}: {redact(result.output)}")
    entries = [_entry(record) for record in result.stdout.split("\0") if record.strip()]
    answer: dict = {"entries": entries[:count]}
    if len(entries) > count:
        answer["nextCommit"] = entries[count]["commit"]
    return answer


def branches(repo: Repo, remote: bool) -> list[str]:
    """Local branch names, plus remote-tracking ones as ``<remote>/<branch>`` when ``remote``."""
    names = repo.refs("refs/heads/")
    return names + repo.refs("refs/remotes/") if remote else names


def tags(repo: Repo) -> list[dict]:
    """``GET /git/tags``: ``annotations`` holds an annotated tag's message (empty for a lightweight tag)."""
    fmt = "%(refname)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)%1f%(contents)%1e"
    out = repo.git("for-each-ref", f"--format={fmt}", "refs/tags/").stdout
    found = []
    for record in filter(str.strip, out.split("\x1e")):
        ref, kind, sha, peeled, contents = record.strip("\n").split("\x1f", 4)
        annotated = kind == "tag"
        found.append({"name": ref, "shortName": ref[len("refs/tags/"):], "commit": peeled if annotated else sha,
                      "annotations": [contents.strip()] if annotated and contents.strip() else [],
                      "readOnly": False})
    return found
