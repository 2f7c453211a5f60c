"""The rules of single configuration values (URLs, owners, globs, branches, teams, ...), as pydantic validators
and annotated types that :class:`components.settings.Settings` composes. Each raises ``ValueError`` with the reason;
the settings turn it into one ``"<configKey>: <reason> (got <value>)"`` line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlparse

from pydantic import AfterValidator, SecretStr

from . import naming
from .sharding import parse_shard

SHA = re.compile(r"[0-9a-f]{40}")
OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}")
BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")
GLOB = re.compile(r"[A-Za-z0-9_*?\[\]!-]+")
PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
FOLDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
PUSH_PERMISSIONS = PERMISSIONS[2:]


def http_url(value: str) -> str:
    try:
        parsed = urlparse(value)
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError("must be an http(s) URL such as https://dss.example.com:11200")
    if parsed.username or parsed.password:
        raise ValueError("must not embed credentials")
    if parsed.query or parsed.fragment:
        raise ValueError("must not carry a query or a fragment")
    try:
        parsed.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError("has an invalid port") from None
    return value.rstrip("/")


def non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def owner(value: str) -> str:
    if not OWNER.fullmatch(value):
        raise ValueError("must be a GitHub user or organization name (letters, digits, single '-')")
    return value


def folder_id(value: str) -> str:
    """A DSS project folder id (``ROOT`` or the id DSS shows in the folder's URL), or empty for every folder;
    anything else would change the API path discovery requests."""
    if value and not FOLDER_ID.fullmatch(value):
        raise ValueError("must be a DSS project folder id such as ROOT (letters, digits, '_', '-'), or empty")
    return value


def glob(value: str) -> str:
    """A project key glob: key characters plus * ? [..] (! negates a set); brackets must close."""
    if not GLOB.fullmatch(value):
        raise ValueError(f"{value!r} is not a project key glob (letters, digits, _ - * ? [ ] !)")
    depth = 0
    for char in value:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth not in (0, 1):
            raise ValueError(f"{value!r} is not a valid glob: unbalanced '[' / ']'")
    if depth:
        raise ValueError(f"{value!r} is not a valid glob: unclosed '['")
    return value


def tag(value: str) -> str:
    if not value.strip():
        raise ValueError("tags must not be empty strings")
    return value


def branch(value: str) -> str:
    if not BRANCH.fullmatch(value) or ".." in value or "//" in value or value.endswith((".", "/", ".lock")):
        raise ValueError("must be a git branch name (letters, digits, '.', '_', '-', '/')")
    return value


def name_template(value: str) -> str:
    naming.check_template(value)
    return value


def sha(value: str) -> str:
    if not SHA.fullmatch(value):
        raise ValueError("must be a full 40-character lowercase hex commit SHA (tags and branches can move)")
    return value


def action_repository(value: str) -> str:
    owner, _, repo = value.partition("/")
    if not (OWNER.fullmatch(owner) and REPO.fullmatch(repo)) or repo in (".", ".."):
        raise ValueError("must be '<owner>/<repository>'")
    return value


def remote_template(value: str) -> str:
    naming.check_remote_template(value)
    return value


def client_certificate(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value().strip():
        return None
    text = value.get_secret_value()
    if "-----BEGIN CERTIFICATE-----" not in text or "-----END CERTIFICATE-----" not in text:
        raise ValueError("must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)")
    return value


def ca_bundle(value: str) -> str:
    if value.strip() and ("-----BEGIN CERTIFICATE-----" not in value or "-----END CERTIFICATE-----" not in value):
        raise ValueError("must be PEM certificates (-----BEGIN CERTIFICATE----- ...), not a path")
    return value.strip()


def shard(value: str) -> str:
    return str(parse_shard(value))


def non_empty_secret(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError("must not be empty")
    return value


@dataclass(frozen=True)
class TeamGrant:
    """A team given a permission on every generated repository."""

    team_id: int
    permission: str


def team(value: str) -> TeamGrant:
    team, _, permission = value.partition(":")
    if not team.isdigit() or int(team) <= 0:
        raise ValueError(f"{value!r} must be '<numeric team id>:<permission>'")
    if permission not in PERMISSIONS:
        raise ValueError(f"{value!r} has an unknown permission; use one of {', '.join(PERMISSIONS)}")
    return TeamGrant(int(team), permission)


def team_spec(value: str) -> str:
    team(value)
    return value


def positive_id(value: int) -> int:
    if value <= 0:
        raise ValueError("ids must be positive integers")
    return value


Url = Annotated[str, AfterValidator(http_url)]
Text = Annotated[str, AfterValidator(non_empty)]
Secret = Annotated[SecretStr, AfterValidator(non_empty_secret)]
Branch = Annotated[str, AfterValidator(branch)]
NameTemplate = Annotated[str, AfterValidator(name_template)]
GitHubId = Annotated[int, AfterValidator(positive_id)]
