"""What backs each route: a Dataiku source, or an honest "inferred" / "invented", or the emulator's own API.

Every route declares one :class:`Evidence` (``@routes.route(..., evidence=client("dss/project.py",
"DSSProject.list_exported_bundles", "EV-B07"))``). ``entries`` are the ids of the sourced facts in the team's
evidence catalog (``dss-evidence.md``, ``EV-*``) that back the route's behaviour. ``COVERAGE.md`` lists them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {
    "docs": "a Dataiku documentation page",
    "client": "the dataikuapi client source (file and function that call the route)",
    "sample": "Dataiku sample code",
    "inferred": "inferred from Dataiku sources; the reason says how",
    "invented": "no Dataiku source; the reason says why the emulator answers it anyway",
    "emulator-control": "the emulator's own control API (/__emulator__), not DSS",
    "emulator-extension": "the emulator's own API under DSS's prefix, for a DSS feature that has no public API",
}
DSS_KINDS = ("docs", "client", "sample")  # kinds that cite a Dataiku source
_ENTRY = re.compile(r"EV-[A-Z]\d{2}")


@dataclass(frozen=True)
class Evidence:
    kind: str
    ref: str
    """The page, ``file: function``, sample path, or the reason (inferred / invented / emulator-*)."""
    entries: tuple[str, ...] = ()
    unverified: str = ""
    """What in the route's answer no source shows (its shape is then the emulator's choice)."""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Invalid evidence kind: {self.kind!r} (one of {', '.join(KINDS)})")
        if not self.ref.strip():
            raise ValueError(f"Evidence of kind {self.kind} needs a reference or a reason")
        bad = [e for e in self.entries if not _ENTRY.fullmatch(e)]
        if bad:
            raise ValueError(f"Invalid evidence entry id: {bad[0]!r} (expected EV-<letter><two digits>)")


def client(file: str, function: str, *entries: str, unverified: str = "") -> Evidence:
    """The dataikuapi ``file`` (relative to the ``dataikuapi`` package) whose ``Class.function`` calls the route."""
    return Evidence("client", f"dataikuapi/{file}: {function}", entries, unverified)


def docs(page: str, *entries: str) -> Evidence:
    """A page of Dataiku's documentation (URL)."""
    return Evidence("docs", page, entries)


def sample(path: str, *entries: str, unverified: str = "") -> Evidence:
    """A file of Dataiku's sample code (or of Dataiku's own integrations, such as its IDE plugins)."""
    return Evidence("sample", path, entries, unverified)


def inferred(reason: str, *entries: str) -> Evidence:
    return Evidence("inferred", reason, entries)


def invented(reason: str) -> Evidence:
    return Evidence("invented", reason)


def control(purpose: str) -> Evidence:
    return Evidence("emulator-control", purpose)


def extension(reason: str, *entries: str) -> Evidence:
    return Evidence("emulator-extension", reason, entries)
