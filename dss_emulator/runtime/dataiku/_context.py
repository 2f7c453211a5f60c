"""The run context the emulator hands to executed code, and what that code reports back.

The emulator writes a JSON file and puts its path in ``DKU_EMULATOR_CONTEXT``; nothing here talks HTTP.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

CONTEXT_ENV = "DKU_EMULATOR_CONTEXT"

_context: dict | None = None
_results: dict = {"written": {}, "warnings": []}


def context() -> dict:
    """The parsed context file (loaded once)."""
    global _context
    if _context is None:
        path = os.environ.get(CONTEXT_ENV)
        if not path:
            raise Exception(f"Not running inside a DSS job or scenario: {CONTEXT_ENV} is not set")
        _context = json.loads(Path(path).read_text())
    return _context


def dataset_info(name: str) -> dict:
    """The context entry of dataset ``name`` (plain name or ``PROJECTKEY.name``) of the current project."""
    ctx = context()
    project_key, _, short = name.rpartition(".")
    if project_key and project_key != ctx["projectKey"]:
        raise Exception(f"Dataset {name} belongs to project {project_key}: the DSS emulator only reads datasets "
                        f"of the current project {ctx['projectKey']}")
    info = ctx["datasets"].get(short)
    if info is None:
        raise Exception(f"Dataset {ctx['projectKey']}.{short} does not exist")
    return dict(info, name=short)


def check_access(name: str, write: bool) -> None:
    """Refuse, as DSS does, a dataset the running recipe did not declare (scenario code may use any dataset)."""
    ctx = context()
    recipe = ctx.get("recipe")
    if recipe is None:
        return
    if write and name not in ctx["outputs"]:
        raise Exception(f"Dataset {ctx['projectKey']}.{name} cannot be written by recipe {recipe}: "
                        f"declare it as an output of the recipe")
    if not write and name not in ctx["inputs"] and name not in ctx["outputs"]:
        raise Exception(f"Dataset {ctx['projectKey']}.{name} cannot be used : declare it as input or output "
                        f"of your recipe {recipe}")


def staging_path(name: str) -> Path:
    """Where the new data of dataset ``name`` is written; the emulator installs it when the run succeeds."""
    path = Path(context()["stagingDir"]) / name / "data.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _entry(name: str) -> dict:
    return _results["written"].setdefault(name, {"schema": None, "data": False, "rows": 0})


def current_schema(name: str) -> list[dict]:
    """The schema of ``name``: the one set during this run if any, else the dataset's."""
    written = _results["written"].get(name)
    if written and written["schema"] is not None:
        return written["schema"]
    return dataset_info(name)["schema"]


def record_schema(name: str, schema: list[dict]) -> None:
    """Remember the new schema of ``name``; the emulator saves it into the dataset when the run succeeds."""
    _entry(name)["schema"] = schema


def record_data(name: str, rows: int) -> None:
    """Remember that new data of ``name`` (``rows`` rows) is in its staging file."""
    entry = _entry(name)
    entry["data"] = True
    entry["rows"] = rows


def record_warning(message: str) -> None:
    _results["warnings"].append(str(message))


def save_results(error: dict | None = None) -> None:
    """Write what the run did to the results file named by the context."""
    data = dict(_results, error=error)
    Path(context()["resultsPath"]).write_text(json.dumps(data))
