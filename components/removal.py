"""Removal is a decision, not an accident: the grace period and holds for repositories that left the managed set.

A project (or dev plugin) the last run managed and that this run does not manage — DSS no longer lists it, or the
filters exclude it — is **pending removal**: it stays declared, from what the last run recorded in the stack
outputs, until it has been missing for more than ``removalGraceRuns`` runs **and** at least ``removalGraceDays``
days; only then does its repository go (archived by default), still within ``maxDeletionsPerRun``. Some absences
are **held**, never counted as a removal while they last:

- DSS answers 403 for the project: the discovery key lost read access, the project is still there;
- DSS answers for the project without listing it;
- more than ``removalMaxDropPercent`` of the projects (or plugins) the last run managed, and more than one, went
  missing in the same run: a wrong key, folder or filter is likelier than a mass deletion. The hold lasts until
  they come back or the percentage is raised; single deletions in successive runs do not add up to a drop.

Each pending repository is listed in the ``pendingRemoval`` stack output (and the offline plan) as
"pending removal since <time>". A run counts when its outputs are saved (``pulumi up``; a preview counts nothing).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .deletion_guard import PENDING_OUTPUT, DeletionRefused
from .discovery import FORBIDDEN, READABLE, DssPlugin, DssProject

KINDS = ("projects", "plugins")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

DROP = "drop"  # the hold of a mass drop (removalMaxDropPercent)
_HOLDS = {FORBIDDEN: "DSS answers 403 for it (the discovery key cannot read it); never removed while so",
          READABLE: "DSS answers for it but does not list it; never removed while so"}


@dataclass(frozen=True)
class RemovalPolicy:
    """Config ``removalGraceRuns``, ``removalGraceDays`` and ``removalMaxDropPercent``."""

    grace_runs: int
    grace_days: int
    max_drop_percent: int


@dataclass(frozen=True)
class Pending:
    """One repository whose project or plugin left the managed set."""

    kind: str  # "projects" or "plugins"
    key: str
    repository: str
    since: str
    runs: int
    """Runs it has been missing in, this one included."""
    reason: str
    hold: str | None
    """Why this absence leads to no removal while it lasts (``"drop"``, ``"forbidden"``, ``"readable"``), or None."""

    def output(self) -> dict[str, Any]:
        return {"repository": self.repository, "since": self.since, "runs": self.runs, "reason": self.reason,
                "hold": self.hold, "status": self.status}

    @property
    def status(self) -> str:
        """``"pending removal since <time>: <reason> (missing in <n> runs)"``."""
        return (f"pending removal since {self.since}: {self.reason} "
                f"(missing in {self.runs} run{'s' if self.runs != 1 else ''})")


@dataclass(frozen=True)
class Decision:
    """What this run does with each repository that left the managed set."""

    kept: tuple[Pending, ...]
    """Still declared (pending removal). The others' grace is over: no longer declared, Pulumi removes (archives)
    their repositories, within ``maxDeletionsPerRun``."""

    def kept_keys(self, kind: str) -> list[str]:
        return [p.key for p in self.kept if p.kind == kind]

    def outputs(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The ``pendingRemoval`` stack output: ``{"projects": {KEY: {...}}, "plugins": {ID: {...}}}``."""
        return {kind: {p.key: p.output() for p in self.kept if p.kind == kind} for kind in KINDS}


def decide(previous: Mapping[str, Any], managed_now: Mapping[str, set[str]],
           listed: Mapping[str, set[str] | None], policy: RemovalPolicy, now: datetime,
           presence: Callable[[str], str]) -> Decision:
    """Judge every key of the last run's outputs (``previous``: the raw ``projects`` / ``plugins`` /
    ``pendingRemoval`` outputs) that is not in ``managed_now``; ``listed`` holds every key DSS listed (before the
    filters; None: not looked for) and ``presence(project_key)`` asks DSS about a project it did not list."""
    last_pending = _pending_outputs(previous.get(PENDING_OUTPUT))
    kept: list[Pending] = []
    for kind in KINDS:
        before = previous.get(kind) or {}
        missing = sorted(set(before) - managed_now[kind])
        dropped = _drop_hold(kind, missing, last_pending[kind], len(before), policy)
        for key in missing:
            earlier = last_pending[kind].get(key, {})
            if dropped and key in dropped[1]:
                reason, hold = dropped[0], DROP
            else:
                reason, hold = _why(kind, key, listed[kind], presence)
            pending = Pending(kind, key, str(before[key]["repository"]), earlier.get("since") or _stamp(now),
                              int(earlier.get("runs") or 0) + 1, reason, hold)
            if hold is not None or not _grace_over(pending, policy, now):
                kept.append(pending)
    return Decision(tuple(kept))


def _why(kind: str, key: str, listed: set[str] | None, presence: Callable[[str], str]) -> tuple[str, str | None]:
    if listed is None:
        return "no longer looked for (pluginRepositories is false)", None
    if key in listed:
        return "excluded by the configuration (filters or folder)", None
    if kind == "plugins":
        return "DSS no longer lists it as a dev plugin", None
    answer = presence(key)
    if answer in _HOLDS:
        return _HOLDS[answer], answer
    return "DSS answers 404 for it (deleted)", None


def _drop_hold(kind: str, missing: list[str], last_pending: Mapping[str, Mapping[str, Any]], before: int,
               policy: RemovalPolicy) -> tuple[str, set[str]] | None:
    """The reason and keys of a mass drop: the keys that went missing in this run, with those held for a drop in
    earlier runs (so a drop stays held, while deletions one after the other do not add up to one)."""
    group = {key for key in missing if key not in last_pending or last_pending[key].get("hold") == DROP}
    if len(group) > 1 and len(group) * 100 > policy.max_drop_percent * before:
        return (f"{len(group)} of the {before} {kind} the last run managed went missing at once (more than "
                f"removalMaxDropPercent={policy.max_drop_percent}%); nothing is removed while so"), group
    return None


def _grace_over(pending: Pending, policy: RemovalPolicy, now: datetime) -> bool:
    since = datetime.strptime(pending.since, TIME_FORMAT).replace(tzinfo=UTC)
    return pending.runs > policy.grace_runs and now - since >= timedelta(days=policy.grace_days)


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(TIME_FORMAT)


def _pending_outputs(value: Any) -> dict[str, dict[str, Mapping[str, Any]]]:
    """The last run's ``pendingRemoval`` output, checked (None = nothing was pending)."""
    value = value or {}
    entries = {kind: (value.get(kind) or {}) if isinstance(value, Mapping) else None for kind in KINDS}
    for items in entries.values():
        if not isinstance(items, Mapping) or not all(_valid_entry(e) for e in items.values()):
            raise DeletionRefused(f"Refusing to run: the previous stack output {PENDING_OUTPUT!r} is not a map of "
                                  "{projects|plugins: {key: {repository, since, runs, ...}}}, so the grace period "
                                  "of pending removals cannot be told")
    return entries


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("runs"), int | float):
        return False
    try:
        datetime.strptime(str(entry.get("since")), TIME_FORMAT)
    except ValueError:
        return False
    return True


def project_record(project: DssProject) -> dict[str, str]:
    """What the ``projects`` output records of a project, beside its repository, to declare it while pending."""
    return {"name": project.name, "shortDesc": project.short_desc}


def plugin_record(plugin: DssPlugin) -> dict[str, str]:
    """What the ``plugins`` output records of a dev plugin, beside its repository, to declare it while pending."""
    return {"label": plugin.label}


def recorded_project(key: str, entry: Mapping[str, Any]) -> DssProject:
    """A pending project as the last run recorded it in the ``projects`` output (older outputs lack the name)."""
    return DssProject(key=key, name=str(entry.get("name") or key), short_desc=str(entry.get("shortDesc") or ""),
                      tags=())


def recorded_plugin(key: str, entry: Mapping[str, Any]) -> DssPlugin:
    """A pending dev plugin as the last run recorded it in the ``plugins`` output."""
    return DssPlugin(id=key, version="", label=str(entry.get("label") or key))


def describe(kind: str, key: str, entry: Mapping[str, Any]) -> str:
    """One line for a ``pendingRemoval`` output entry, as the plan and the run's warnings show it."""
    noun = "project" if kind == "projects" else "plugin"
    return f"{noun} {key} ({entry['repository']}) {entry['status']}"


def pending_lines(pending_output: Mapping[str, Any] | None) -> list[str]:
    """Every line of a ``pendingRemoval`` output, projects first."""
    pending_output = pending_output or {}
    return [describe(kind, key, entry) for kind in KINDS
            for key, entry in sorted((pending_output.get(kind) or {}).items())]
