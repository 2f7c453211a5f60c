"""``--html FILE``: one self-contained page (inline CSS and SVG, no script, no external asset): the table, then per
project a timeline of its bundle updates on staging and prod over the last days, so "what changed before it broke"
is visible at a glance. Each bundle keeps one colour on both lanes and is named on its bar when it fits; failed
updates are red crosses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import jinja2

from .facts import Deployment, Fleet, Project
from .flags import MEANINGS
from .view import Row, age, health, rows, stamp, summary_line

WIDTH, LEFT, RIGHT = 640, 64, 12
LANES = (("staging", 22), ("prod", 50))
HEIGHT = 78
TEMPLATE = "page.html.j2"


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: int
    color: str
    title: str
    label: str  # the bundle id, clipped to the bar (empty when it does not fit)


@dataclass(frozen=True)
class Mark:
    x: float
    y: int
    color: str
    failed: bool
    title: str


# Distinct colours (Tableau 10), given to a project's bundles in the order they first appear on its timeline.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
           "#e15759")
UNNAMED = "#888"
CHAR_PX = 6.2  # width of one character of the 11 px label font


def bundle_colors(project: Project) -> dict[str | None, str]:
    """One colour per bundle of the project (the same on both lanes), in order of first update."""
    updates = [u for d in (project.staging, project.prod) if d for u in d.updates if u.started and u.bundle_id]
    order = dict.fromkeys(u.bundle_id for u in sorted(updates, key=lambda u: u.started))
    for d in (project.staging, project.prod):
        if d and d.bundle_id:
            order.setdefault(d.bundle_id)
    return {bundle: PALETTE[n % len(PALETTE)] for n, bundle in enumerate(order)}


class Scale:
    """Times in ``[now - days, now]`` to x positions."""

    def __init__(self, now: datetime, days: int):
        self.now, self.start = now, now - timedelta(days=days)

    def x(self, when: datetime) -> float:
        span = (self.now - self.start).total_seconds()
        clamped = min(max(when, self.start), self.now)
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (clamped - self.start).total_seconds() / span, 1)


def _label(bundle: str | None, width: float) -> str:
    room = int((width - 6) // CHAR_PX)
    if not bundle or room < 4:
        return ""
    return bundle if len(bundle) <= room else bundle[: room - 1] + "…"


def _lane(d: Deployment | None, stage: str, y: int, scale: Scale, colors: dict) -> tuple[list[Bar], list[Mark]]:
    if d is None:
        return [], []
    bars, marks = [], []
    timed = [u for u in d.updates if u.started is not None]
    succeeded = [u for u in timed if u.status == "SUCCESS"]
    for n, update in enumerate(succeeded):
        end = succeeded[n + 1].started if n + 1 < len(succeeded) else scale.now
        if end >= scale.start:
            bundle = update.bundle_id or (d.bundle_id if n + 1 == len(succeeded) else None)
            x = scale.x(update.started)
            width = round(max(scale.x(end) - x, 1.5), 1)
            bars.append(Bar(x, width, y, colors.get(bundle, UNNAMED),
                            f"{stage}: {bundle or 'bundle not named'} from {stamp(update.started)}",
                            _label(bundle, width)))
    for update in timed:
        if update.started >= scale.start:
            marks.append(Mark(scale.x(update.started), y, colors.get(update.bundle_id, UNNAMED),
                              update.status != "SUCCESS",
                              f"{stage} update {stamp(update.started)}: {update.status}"
                              + (f", bundle {update.bundle_id}" if update.bundle_id else "")))
    return bars, marks


def timeline(project: Project, now: datetime, days: int) -> dict:
    """Geometry of one project's SVG: lanes, bars (bundle active), marks (updates), weekly ticks."""
    scale = Scale(now, days)
    colors = bundle_colors(project)
    bars, marks = [], []
    for stage, y in LANES:
        lane_bars, lane_marks = _lane(project.stage(stage), stage, y, scale, colors)
        bars += lane_bars
        marks += lane_marks
    ticks = [(scale.x(now - timedelta(days=n)), f"-{n}d" if n else "now") for n in range(0, days + 1, 7)]
    return {"key": project.key, "staging": health(project.staging) if project.staging else "no deployment",
            "prod": health(project.prod) if project.prod else "no deployment",
            "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "lanes": LANES, "bars": bars, "marks": marks, "ticks": ticks, "updates": len(marks)}


def _stage_text(d: Deployment | None, fleet: Fleet) -> str:
    if d is None:
        return "no deployment"
    return f"{d.running_bundle or '?'} · {health(d)} · {age(d.last_updated, fleet.collected_at)} ago"


def render(fleet: Fleet, days: int = 30) -> str:
    judged: list[Row] = rows(fleet)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(TEMPLATE).render(
        fleet=fleet, rows=judged, summary=summary_line(judged), stamp=stamp(fleet.collected_at),
        days=days, meanings=MEANINGS, stage_text=lambda d: _stage_text(d, fleet),
        timelines=[timeline(r.project, fleet.collected_at, days) for r in judged])

