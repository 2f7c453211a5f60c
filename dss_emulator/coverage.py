"""``COVERAGE.md``: every route with its access level and evidence, and the checks built on the same tables.

``python -m dss_emulator coverage`` prints it; ``--write`` rewrites ``dss_emulator/COVERAGE.md``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .core.evidence import KINDS
from .core.routing import ACCESS_LEVELS, RouteSpec
from .core.served import RouteKey
from .urls import all_routes

COVERAGE_FILE = Path(__file__).with_name("COVERAGE.md")
DSS_PREFIX = "/dip/publicapi"


def _shown_path(path: str) -> str:
    return path[len(DSS_PREFIX):] if path.startswith(DSS_PREFIX + "/") else path


def _row(spec: RouteSpec) -> str:
    ev = spec.evidence
    kind, ref, entries, unverified = ((ev.kind, ev.ref, ", ".join(ev.entries), ev.unverified) if ev
                                      else ("**missing**", "", "", ""))
    cells = [spec.method, f"`{_shown_path(spec.path)}`", spec.access, kind, ref, entries, unverified,
             f"`{spec.handler.__name__}`"]
    return "| " + " | ".join(cells) + " |"


def render(routes: list[RouteSpec] | None = None) -> str:
    """The Markdown of ``COVERAGE.md`` for ``routes`` (default: every route the emulator serves)."""
    routes = all_routes() if routes is None else routes
    kinds = Counter(spec.evidence.kind if spec.evidence else "missing" for spec in routes)
    lines = [
        "# DSS emulator: routes and their evidence",
        "",
        "Generated from the route tables (`dss_emulator/urls.py`) by `python -m dss_emulator coverage --write`; "
        "do not edit by hand.",
        f"DSS routes are shown relative to `{DSS_PREFIX}`. Entries (`EV-*`) are the facts of the team's evidence "
        "catalog (`dss-evidence.md`) that back the route's behaviour; *unverified* names what in the answer no "
        "source shows.",
        "",
        f"{len(routes)} routes: " + ", ".join(f"{kinds[k]} {k}" for k in (*KINDS, "missing") if kinds[k]) + ".",
        "",
        "| evidence kind | meaning |",
        "|---|---|",
        *(f"| {kind} | {meaning} |" for kind, meaning in KINDS.items()),
        "",
        "| access | the caller's key needs |",
        "|---|---|",
        *(f"| {level} | {meaning} |" for level, meaning in ACCESS_LEVELS.items()),
    ]
    for area in dict.fromkeys(spec.area for spec in routes):
        in_area = [spec for spec in routes if spec.area == area]
        lines += ["", f"## {area} ({len(in_area)} routes)", "",
                  "| method | path | access | evidence | reference | entries | unverified | handler |",
                  "|---|---|---|---|---|---|---|---|",
                  *(_row(spec) for spec in in_area)]
    return "\n".join(lines) + "\n"


def missing_evidence(routes: list[RouteSpec]) -> list[str]:
    """``METHOD path`` of each route that declares no evidence."""
    return [f"{spec.method} {spec.path}" for spec in routes if spec.evidence is None]


def invented_among(served: Iterable[RouteKey], routes: list[RouteSpec] | None = None) -> list[str]:
    """Which of the ``served`` ``(method, route path)`` pairs are marked invented (``METHOD path: reason``).

    A pair that names no declared route raises ``KeyError``: a recording can only hold declared routes.
    """
    by_key = {(spec.method, spec.path): spec for spec in (all_routes() if routes is None else routes)}
    found = []
    for method, path in sorted(served):
        spec = by_key[(method, path)]
        if spec.evidence is not None and spec.evidence.kind == "invented":
            found.append(f"{method} {path}: {spec.evidence.ref}")
    return found


def main(write: bool) -> int:
    """Print ``COVERAGE.md``, or rewrite the file when ``write``."""
    text = render()
    if write:
        COVERAGE_FILE.write_text(text)
        print(f"wrote {COVERAGE_FILE}")
    else:
        print(text, end="")
    return 0
