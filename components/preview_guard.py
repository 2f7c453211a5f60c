"""Refuse a ``pulumi up`` whose preview would delete or replace more repositories than allowed.

The program's own deletion guard compares discovery with the stack's last outputs, which only a completed run
writes; after a failed or killed run they are stale. The engine's preview is not: the reconcile workflow runs

    pulumi preview --json --stack STACK > preview.json
    python -m components.preview_guard preview.json

before ``pulumi up``. The limit is ``--max-deletions``, else the stack's ``maxDeletionsPerRun`` as the preview
reports its configuration, else Pulumi.yaml's default. Input: the preview digest the Pulumi CLI (3.x) prints with
``--json``: ``{"config": {...}, "steps": [{"op", "urn", "oldState", ...}], "changeSummary": {...}}``.

Exit status: 0 within the limit, 1 refused, 2 the file is not a preview. One line either way.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .settings import config_schema, project_name

REPOSITORY_TYPE = "github:index/repository:Repository"
DESTRUCTIVE_OPS = frozenset({"delete", "delete-replaced", "replace", "create-replacement", "discard",
                             "discard-replaced"})
"""Step operations after which the repository of that URN is archived or deleted (a replace counts once)."""


class NotAPreview(ValueError):
    """The input is not the JSON of ``pulumi preview --json``."""


def _resource_type(urn: str) -> str:
    """``urn:pulumi:stack::project::parent$type::name`` → ``type``."""
    parts = urn.split("::")
    if len(parts) < 4:
        raise NotAPreview(f"a step has no valid URN (got {urn!r})")
    return parts[2].rsplit("$", 1)[-1]


def _repository_name(step: dict[str, Any]) -> str:
    for state in ("oldState", "newState"):
        for section in ("outputs", "inputs"):
            name = ((step.get(state) or {}).get(section) or {}).get("name")
            if isinstance(name, str):
                return name
    return step["urn"].rsplit("::", 1)[-1]


def removed_repositories(preview: Any) -> list[str]:
    """Names of the repositories the previewed update would delete, archive or replace, sorted."""
    if not isinstance(preview, dict) or not isinstance(preview.get("steps"), list):
        raise NotAPreview("no \"steps\" list: not the output of `pulumi preview --json`")
    removed = {}
    for step in preview["steps"]:
        if not isinstance(step, dict) or not isinstance(step.get("urn"), str):
            raise NotAPreview("a step has no URN: not the output of `pulumi preview --json`")
        if step.get("op") in DESTRUCTIVE_OPS and _resource_type(step["urn"]) == REPOSITORY_TYPE:
            removed[step["urn"]] = _repository_name(step)
    return sorted(removed.values())


def allowed_deletions(preview: dict[str, Any], override: int | None) -> int:
    """``--max-deletions``, else the previewed stack's maxDeletionsPerRun, else Pulumi.yaml's default."""
    if override is not None:
        return override
    configured = (preview.get("config") or {}).get(f"{project_name()}:maxDeletionsPerRun")
    try:
        return int(configured) if configured is not None else int(config_schema()["maxDeletionsPerRun"].default)
    except ValueError:
        raise NotAPreview(f"maxDeletionsPerRun in the preview's config is not an integer (got {configured!r})") \
            from None


def judge(preview: Any, override: int | None = None) -> tuple[bool, str]:
    """(allowed, the one line to print)."""
    removed = removed_repositories(preview)
    limit = allowed_deletions(preview, override)
    shown = ", ".join(removed[:5]) + (f", … {len(removed) - 5} more" if len(removed) > 5 else "")
    if len(removed) > limit:
        return False, (f"Refusing to run: the preview deletes or replaces {len(removed)} repositories ({shown}), "
                       f"more than maxDeletionsPerRun={limit}; check DSS discovery and the filters, or raise "
                       "maxDeletionsPerRun for one run.")
    return True, f"preview guard: {len(removed)} repositories deleted or replaced (limit {limit})" + (
        f": {shown}" if removed else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m components.preview_guard", description=__doc__.split("\n\n")[0])
    parser.add_argument("preview", type=Path, help="the output of `pulumi preview --json`")
    parser.add_argument("--max-deletions", type=int, help="override the stack's maxDeletionsPerRun")
    args = parser.parse_args(argv)
    try:
        allowed, line = judge(json.loads(args.preview.read_text()), args.max_deletions)
    except (OSError, ValueError) as exc:  # json.JSONDecodeError and NotAPreview are ValueErrors
        print(f"error: {args.preview}: {exc}", file=sys.stderr)
        return 2
    print(line, file=sys.stdout if allowed else sys.stderr)
    return 0 if allowed else 1


if __name__ == "__main__":
    sys.exit(main())
