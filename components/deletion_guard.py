"""Deletion guard: compare what the last run managed (this stack's own outputs) with what would be managed now.

Removing a repository is the one irreversible act, so the program refuses to run — before declaring anything —
when discovery is empty while repositories exist, or when more than ``maxDeletionsPerRun`` would go. A refused run
is a failed program, and Pulumi removes nothing after a failed program.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

PROJECTS_OUTPUT = "projects"
PLUGINS_OUTPUT = "plugins"
SHARD_OUTPUT = "shard"
PENDING_OUTPUT = "pendingRemoval"  # see components/removal.py


class DeletionRefused(pulumi.RunError):
    """The run would remove too many repositories, or all of them."""


@dataclass(frozen=True)
class Managed:
    """Repository name per project key and per plugin id (and the shard "i/n" they were managed as, if known)."""

    projects: Mapping[str, str] = field(default_factory=dict)
    plugins: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    """The stack outputs these names were read from (what the last run recorded per key), if any."""
    shard: str | None = None

    @property
    def count(self) -> int:
        return len(self.projects) + len(self.plugins)

    @classmethod
    def from_outputs(cls, projects: Any, plugins: Any, pending: Any = None, shard: Any = None) -> Managed:
        """Read the ``projects`` / ``plugins`` stack outputs ({key: {"repository": name, ...}}), the
        ``pendingRemoval`` one and ``shard``; None = none."""
        return cls(projects=_names(PROJECTS_OUTPUT, projects), plugins=_names(PLUGINS_OUTPUT, plugins),
                   outputs={PROJECTS_OUTPUT: projects or {}, PLUGINS_OUTPUT: plugins or {},
                            PENDING_OUTPUT: pending or {}},
                   shard=shard if isinstance(shard, str) else None)


def _names(output: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) and isinstance(v.get("repository"), str)
                                                 for v in value.values()):
        raise DeletionRefused(f"Refusing to run: the previous stack output {output!r} is not a map of "
                              "{key: {repository, url}}, so the deletion guard cannot tell what would be removed")
    return {key: v["repository"] for key, v in value.items()}


def self_reference_name() -> str:
    """This stack's fully qualified name, for a StackReference to itself."""
    return "/".join(p for p in (pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack()) if p)


async def read_previous() -> Managed:
    """What the last successful run of this stack managed, read through a StackReference to itself."""
    ref = pulumi.StackReference("previous-run", stack_name=self_reference_name())
    projects = await ref.get_output_details(PROJECTS_OUTPUT)
    plugins = await ref.get_output_details(PLUGINS_OUTPUT)
    pending = await ref.get_output_details(PENDING_OUTPUT)
    shard = await ref.get_output_details(SHARD_OUTPUT)
    return Managed.from_outputs(_value(projects), _value(plugins), _value(pending), _value(shard))


def _value(details: pulumi.StackReferenceOutputDetails) -> Any:
    return details.value if details.value is not None else details.secret_value


def check(previous: Managed, desired: Managed, max_deletions: int, plugins_managed: bool) -> list[str]:
    """Return the repositories that would be removed, or raise :class:`DeletionRefused`."""
    refuse_empty(previous, desired, plugins_managed)
    removed = sorted([name for key, name in previous.projects.items() if key not in desired.projects]
                     + [name for key, name in previous.plugins.items() if key not in desired.plugins])
    if len(removed) > max_deletions:
        raise DeletionRefused(
            f"Refusing to run: {len(removed)} repositories would be removed ({_sample(removed)}), more than "
            f"maxDeletionsPerRun={max_deletions}. Check DSS discovery and the filters; to remove them on purpose, "
            "raise maxDeletionsPerRun for one run.")
    return removed


def refuse_empty(previous: Managed, discovered: Managed, plugins_managed: bool) -> None:
    """Raise :class:`DeletionRefused` when discovery kept no project (or found no dev plugin) while the last run
    managed some."""
    if previous.projects and not discovered.projects:
        raise DeletionRefused(
            f"Refusing to run: DSS discovery kept no project while the last run managed {len(previous.projects)} "
            f"project repositories ({_sample(previous.projects.values())}). Check the DSS design node and the "
            "project filters; to remove every repository on purpose, run `pulumi destroy`.")
    if plugins_managed and previous.plugins and not discovered.plugins:
        raise DeletionRefused(
            f"Refusing to run: DSS discovery found no dev plugin while the last run managed "
            f"{len(previous.plugins)} plugin repositories ({_sample(previous.plugins.values())}). Check the DSS "
            "design node; to drop plugin repositories on purpose, set pluginRepositories to false.")


def _sample(names, limit: int = 5) -> str:
    names = sorted(names)
    shown = ", ".join(names[:limit])
    return shown + (f", … {len(names) - limit} more" if len(names) > limit else "")
