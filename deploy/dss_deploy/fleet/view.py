"""What every output shows, computed once: projects in report order with their flags, and short renderings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .facts import Deployment, Fleet, Project
from .flags import Flag, judge, sort_key


@dataclass(frozen=True)
class Row:
    project: Project
    flags: list[Flag]

    @property
    def warnings(self) -> list[Flag]:
        return [f for f in self.flags if f.warning]


def rows(fleet: Fleet) -> list[Row]:
    """Every project with its flags: warnings first, then other flags, then the rest."""
    judged = [Row(p, judge(p)) for p in fleet.projects]
    return sorted(judged, key=lambda r: sort_key(r.project, r.flags))


def age(when: datetime | None, now: datetime) -> str:
    """``12m``, ``5h``, ``3d`` before ``now``; ``-`` when unknown."""
    if when is None:
        return "-"
    seconds = max((now - when).total_seconds(), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "0m"


def stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "-"


def health(d: Deployment | None) -> str:
    """Health plus failing tests, e.g. ``HEALTHY, 1 test FAILED``; ``-`` without a deployment."""
    if d is None:
        return "-"
    text = d.health or "unread"
    if d.tests_failed:
        text += ", " + ", ".join(f"{n} test{'s' if n > 1 else ''} {o}" for o, n in sorted(d.tests.items())
                                 if o in ("FAILED", "ABORTED"))
    return text


def summary_line(judged: list[Row]) -> str:
    """``3 projects, 2 flagged, 1 unhealthy or untested in prod``."""
    flagged = sum(1 for r in judged if r.flags)
    warned = sum(1 for r in judged if r.warnings)
    return (f"{len(judged)} project{'s' if len(judged) != 1 else ''}, {flagged} flagged, {warned} unhealthy or "
            f"untested in prod")
