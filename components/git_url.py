"""Which git remote URLs DSS may be told to push to: https://, ssh://, scp-style ``user@host:path`` and absolute
local paths, without credentials. Everything else is refused, above all git's ``<transport>::<address>`` syntax
(``ext::sh -c …`` runs a command) and values git would read as an option (``--upload-pack=…``).

Used twice: on the rendered ``gitRemoteUrlTemplate`` when the configuration is read, and again by the onboarding
provider before it sets a remote in DSS (a URL may reach it from an old state or another program).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_SCP = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:(?!:)\S+$")
_UNSAFE_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
_USERINFO = re.compile(r"(://)[^/@]*@")
_HOST = re.compile(r"[a-z0-9_][a-z0-9._-]*|[0-9a-f:.]+")  # urlsplit lower-cases it and drops IPv6 brackets
ALLOWED = "https://host/path, ssh://host/path, git@host:path or an absolute local path"


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be a DSS git remote, or None when it may."""
    if not url:
        return "is empty"
    if _TRANSPORT.match(url):
        return f"must not use git's '<transport>::' syntax; use {ALLOWED}"
    if url.startswith("-"):
        return "must not start with '-' (git would read it as an option)"
    if _UNSAFE_CHARS.search(url):
        return "must not contain spaces or control characters"
    if url.startswith("/"):
        return "must not contain '..' segments" if ".." in url.split("/") else None
    if "://" in url:
        return _url_with_scheme_problem(url)
    if _SCP.match(url):
        return None
    return f"must be {ALLOWED}"


def _url_with_scheme_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("https", "ssh"):
        return f"must be {ALLOWED} (scheme {parts.scheme!r} is not allowed)"
    if not parts.hostname or not parts.path.strip("/"):
        return "must name a host and a repository path"
    if not _HOST.fullmatch(parts.hostname) or (parts.username or "").startswith("-"):
        return "must name a host (and user) that git cannot read as an option"
    if parts.password or (parts.scheme == "https" and parts.username):
        return "must not embed credentials (DSS uses its own git credentials)"
    if parts.query or parts.fragment:
        return "must not carry a query or a fragment"
    return None


def check(url: str) -> str:
    """Return ``url`` unchanged, or raise ValueError naming why it is refused."""
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    return url


def shown(url: str) -> str:
    """``url`` as an error message may show it: the user part of a ``scheme://`` URL is masked."""
    return repr(_USERINFO.sub(r"\1***@", url))
