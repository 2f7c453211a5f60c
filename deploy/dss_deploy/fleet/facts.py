"""What the status command read from DSS, per project: design git state, bundles, and one deployment per stage."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from dateutil import parser as date_parser


def to_datetime(value: object) -> datetime | None:
    """A DSS timestamp (epoch milliseconds, or an ISO string) as an aware UTC datetime; None when absent."""
    if isinstance(value, bool) or value in (None, "", 0):
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        if value.isdigit():
            return to_datetime(int(value))
        try:
            parsed = date_parser.isoparse(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


@dataclass(frozen=True)
class Update:
    """One deployment update from the Project Deployer's history."""

    started: datetime | None
    status: str
    bundle_id: str | None  # only when the history record names it (not documented, see collect.py)


@dataclass(frozen=True)
class Deployment:
    """The project's deployment on one stage's infra."""

    id: str
    infra_id: str
    bundle_id: str | None
    health: str | None = None  # None: could not be read
    health_messages: tuple[str, ...] = ()
    tests: dict[str, int] | None = None  # test scenario outcomes on the deployed bundle; None: unknown
    updates: tuple[Update, ...] = ()
    others: tuple[str, ...] = ()  # further deployments of the project on the same infra

    @property
    def last_updated(self) -> datetime | None:
        times = [u.started for u in self.updates if u.started is not None]
        return max(times) if times else None

    @property
    def tests_failed(self) -> int:
        return sum(self.tests.get(outcome, 0) for outcome in ("FAILED", "ABORTED")) if self.tests else 0

    @property
    def running_bundle(self) -> str | None:
        """The bundle the last successful update activated when the history says, else the configured one."""
        named = [u.bundle_id for u in self.updates if u.status == "SUCCESS" and u.bundle_id]
        return named[-1] if named else self.bundle_id

    def active_bundles(self) -> set[str]:
        """Bundles a successful update of this deployment activated (as far as the history names them)."""
        return {u.bundle_id for u in self.updates if u.status == "SUCCESS" and u.bundle_id}

    @property
    def history_names_bundles(self) -> bool:
        return any(u.bundle_id for u in self.updates)


@dataclass(frozen=True)
class DesignGit:
    """The design project's git state (``get_project_git().get_status()``)."""

    branch: str | None
    remote_url: str | None
    uncommitted: bool
    ahead: int
    behind: int


@dataclass(frozen=True)
class Project:
    """Everything read about one design project."""

    key: str
    name: str
    repository: str | None = None  # stack outputs' repository name, else the DSS git remote's last path part
    repository_url: str | None = None
    repository_source: str | None = None  # where the repository was looked up: "stack outputs" | "DSS git remote"
    git: DesignGit | None = None
    bundle_commits: dict[str, str] = field(default_factory=dict)  # bundle id -> DSS commit (dss-bundle-* tags)
    published: dict[str, datetime | None] = field(default_factory=dict)  # bundle id -> published on
    staging: Deployment | None = None
    prod: Deployment | None = None
    errors: tuple[str, ...] = ()

    def stage(self, name: str) -> Deployment | None:
        return self.staging if name == "staging" else self.prod


@dataclass(frozen=True)
class Fleet:
    """The whole read: where from, when, and every project."""

    design_url: str
    infras: dict[str, str]  # stage -> infra id
    collected_at: datetime
    projects: tuple[Project, ...]
