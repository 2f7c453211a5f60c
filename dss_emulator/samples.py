"""The sample content ``seed --sample`` creates: three design projects and one development plugin, read from the
data files under ``sample_data/`` (``projects/<KEY>/project.json`` with its CSV and Python files, ``plugins/<id>/``).

* ``CHURN`` (AUTO commits): uploaded ``customers_raw`` on the default upload location (no connection; its data
  travels in bundles), Python recipe ``compute_customers_clean`` -> managed ``customers_clean``, sync recipe
  ``sync_customers_copy`` -> ``customers_copy``, test scenario ``TEST_SMOKE`` and a ``variables.json``.
* ``SALES_FORECAST`` (AUTO): uploaded ``sales_raw``, Python ``compute_sales_by_region``, sync
  ``sync_sales_report``, test scenario ``TEST_REVENUE``; its managed datasets live in connection ``sales_dev`` of the
  design node, which every infra remaps to ``filesystem_managed`` (the automation nodes have no ``sales_dev``).
* ``FINANCE_REPORTS`` (EXPLICIT commits): uploaded ``ledger`` and Python ``compute_monthly_totals``.
* development plugin ``dss-custom-connectors`` (its own git repository).

Synthetic projects (``SYNTH_00001`` ...) hold one uploaded dataset and one sync recipe copying it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .objects import shapes
from .projects import layout

OWNER = "admin"
SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"


@dataclass(frozen=True)
class SampleRecipe:
    name: str
    type: str  # python | sync
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    code: str = ""


@dataclass(frozen=True)
class SampleProject:
    key: str
    name: str
    description: str
    commit_mode: str
    uploads: dict[str, tuple[list[dict], str]]  # dataset -> (schema columns, CSV data with header)
    managed: dict[str, str]  # dataset -> its connection (schema empty until a recipe writes it)
    recipes: tuple[SampleRecipe, ...]
    scenarios: tuple[dict, ...] = ()
    variables: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    connections: dict[str, dict] = field(default_factory=dict)  # design connection -> {type, remappedTo}


def _step(folder: Path, step: dict) -> dict:
    if "build" in step:
        return shapes.build_step(step["id"], step["build"], step.get("name"))
    return shapes.python_step(step["id"], (folder / step["python"]).read_text(), step.get("name"))


def load_project(key: str) -> SampleProject:
    """The sample project ``key`` from ``sample_data/projects/<key>/``."""
    folder = SAMPLE_DATA / "projects" / key
    data = json.loads((folder / "project.json").read_text())
    return SampleProject(
        key=key, name=data["name"], description=data["description"], commit_mode=data["commitMode"],
        tags=tuple(data.get("tags", ())), variables=data.get("variables", {}),
        connections=data.get("connections", {}),
        uploads={name: (shapes.columns(*up["columns"].items()), (folder / up["data"]).read_text())
                 for name, up in data["uploads"].items()},
        managed={name: spec.get("connection", shapes.MANAGED_CONNECTION) for name, spec in data["managed"].items()},
        recipes=tuple(SampleRecipe(r["name"], r["type"], tuple(r["inputs"]), tuple(r["outputs"]),
                                   (folder / r["code"]).read_text() if r.get("code") else "")
                      for r in data["recipes"]),
        scenarios=tuple(shapes.scenario(sc["id"], sc["name"], OWNER, marked_as_test=sc.get("markedAsTest", False),
                                        steps=[_step(folder, step) for step in sc["steps"]])
                        for sc in data.get("scenarios", ())))


def load_plugin(plugin_id: str) -> dict[str, str | dict]:
    """The files of sample plugin ``plugin_id`` (JSON files parsed), keyed by path in the plugin."""
    folder = SAMPLE_DATA / "plugins" / plugin_id
    return {path.relative_to(folder).as_posix(): json.loads(path.read_text()) if path.suffix == ".json"
            else path.read_text() for path in sorted(folder.rglob("*")) if path.is_file()}


SAMPLE_PROJECTS = tuple(load_project(key) for key in json.loads((SAMPLE_DATA / "projects" / "order.json").read_text()))
PLUGIN_ID = "dss-custom-connectors"
PLUGIN_FILES = load_plugin(PLUGIN_ID)


def project_params(sample: SampleProject) -> dict:
    """``params.json`` of a sample project, with its uploaded data included in bundles."""
    params = layout.new_params(sample.name, OWNER, description=sample.description, short_desc=sample.description,
                               tags=list(sample.tags), commit_mode=sample.commit_mode)
    params["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"] = [
        {"name": name, "type": "UploadedFiles"} for name in sample.uploads]
    return params


def project_files(sample: SampleProject) -> dict[str, str | dict]:
    """Every file of the sample project's git tree besides the DSS boilerplate."""
    files: dict[str, str | dict] = {}
    for name, (columns, _) in sample.uploads.items():
        files[f"datasets/{name}.json"] = shapes.uploaded_dataset(OWNER, columns)
    for name, connection in sample.managed.items():
        files[f"datasets/{name}.json"] = shapes.managed_dataset(name, OWNER, connection)
    for recipe in sample.recipes:
        files[f"recipes/{recipe.name}.json"] = shapes.recipe(
            recipe.type, OWNER, shapes.recipe_role(list(recipe.inputs), False),
            shapes.recipe_role(list(recipe.outputs), True))
        files[shapes.payload_path(recipe.name, recipe.type)] = recipe.code
    for scenario in sample.scenarios:
        files[f"scenarios/{scenario['id']}.json"] = scenario
    if sample.variables:
        files["variables.json"] = sample.variables
    return files


def synthetic_key(number: int) -> str:
    return f"SYNTH_{number:05d}"


def synthetic_project(number: int) -> tuple[dict, dict[str, str | dict]]:
    """``(params, files)`` of synthetic project ``number``: dataset ``events``, sync recipe to ``events_copy``."""
    params = layout.new_params(f"Synthetic project {number}", OWNER, tags=["synthetic"])
    files: dict[str, str | dict] = {
        "datasets/events.json": shapes.uploaded_dataset(OWNER, shapes.columns(("id", "bigint"), ("value", "double"))),
        "datasets/events_copy.json": shapes.managed_dataset("events_copy", OWNER),
        "recipes/sync_events.json": shapes.recipe("sync", OWNER, shapes.recipe_role(["events"], False),
                                                  shapes.recipe_role(["events_copy"], True)),
        "recipes/sync_events.sync": "",
    }
    return params, files


def describe(sample: SampleProject) -> str:
    """One line summarising a sample project (for seeding progress)."""
    counts = {"dataset": len(sample.uploads) + len(sample.managed), "recipe": len(sample.recipes),
              "scenario": len(sample.scenarios)}
    parts = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for what, n in counts.items())
    return f"{sample.key} ({sample.commit_mode}): {parts}"

