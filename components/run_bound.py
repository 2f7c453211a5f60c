"""Bounded runs: at most ``maxNewRepositoriesPerRun`` new repositories are declared per run.

Creating one project repository costs about 15 GitHub writes, each followed by the provider's 1 s write delay (see
:mod:`components.github_requests`), so a first adoption of hundreds of projects in one ``pulumi up`` would outlive
the job's timeout and leave the stack locked with pending creates. New keys beyond the bound wait, in key order, and
are listed in the plan and the stack outputs; the next run takes the next ones. Known repositories are always
declared (they cost nothing without ``--refresh``).
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

WAITING_OUTPUT = "waiting"


@dataclass(frozen=True)
class Admitted:
    """What this run declares, and the new keys left for later runs."""

    projects: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    waiting_projects: list[str] = field(default_factory=list)
    waiting_plugins: list[str] = field(default_factory=list)

    def output(self) -> dict[str, list[str]]:
        """The ``waiting`` stack output."""
        return {"projects": self.waiting_projects, "plugins": self.waiting_plugins}


def admit(projects: Sequence[str], plugins: Sequence[str], known_projects: Collection[str],
          known_plugins: Collection[str], limit: int) -> Admitted:
    """Keep every known key; admit new ones, projects first, in the given (sorted) order, up to ``limit``."""
    admitted = Admitted()
    budget = limit
    for keys, known, kept, waiting in ((projects, known_projects, admitted.projects, admitted.waiting_projects),
                                       (plugins, known_plugins, admitted.plugins, admitted.waiting_plugins)):
        for key in keys:
            if key in known:
                kept.append(key)
            elif budget > 0:
                kept.append(key)
                budget -= 1
            else:
                waiting.append(key)
    return admitted
