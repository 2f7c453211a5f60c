"""The files DSS writes for datasets, recipes and scenarios (shared-formats.md), built in one place.

Both the REST routes and the seeding code build project files with these functions, so every dataset, recipe and
scenario on disk has the same shape whichever way it was made.
"""
from __future__ import annotations

from ..projects import layout

FILE_TYPES = {"UploadedFiles", "Filesystem"}
CSV_FORMAT = {"separator": ",", "style": "excel", "charset": "utf8", "parseHeaderRow": True}
MANAGED_CONNECTION = "filesystem_managed"
CODE_RECIPE_TYPES = {"python", "r", "sql_script", "sql_query", "pyspark", "sparkr", "spark_scala", "shell",
                     "spark_sql_query"}
SCENARIO_TYPES = ("step_based", "custom_python")
SCHEMA_TYPES = ("string", "bigint", "int", "smallint", "tinyint", "double", "float", "boolean", "date", "dateonly",
                "datetimenotz", "array", "map", "object", "geopoint", "geometry")
DEFAULT_PYTHON_CODE = "# -*- coding: utf-8 -*-\nimport dataiku\nimport pandas as pd\n"


def columns(*pairs: tuple[str, str]) -> list[dict]:
    """Schema columns from ``(name, type)`` pairs."""
    return [{"name": name, "type": kind} for name, kind in pairs]


def dataset(kind: str, login: str, params: dict | None = None, format_type: str | None = None,
            format_params: dict | None = None, schema_columns: list[dict] | None = None,
            managed: bool = False, tags: list[str] | None = None) -> dict:
    """``datasets/<name>.json`` for a new dataset of type ``kind``."""
    params = dict(params or {})
    if kind == "UploadedFiles":  # no uploadConnection: the built-in upload location of the data dir (EV-D03)
        params.setdefault("filesSelectionRules", {"mode": "ALL"})
    is_file = kind in FILE_TYPES
    return {
        "type": kind,
        "managed": managed,
        "formatType": format_type or ("csv" if is_file else None),
        "formatParams": dict(format_params or (CSV_FORMAT if is_file else {})),
        "params": params,
        "schema": {"columns": list(schema_columns or []), "userModified": bool(schema_columns)},
        "partitioning": {"ignoreNonMatchingFile": False, "considerMissingRequestedPartitionsAsEmpty": False,
                         "dimensions": []},
        "flowOptions": {"virtualizable": False, "rebuildBehavior": "NORMAL", "crossProjectBuildBehavior": "DEFAULT"},
        "tags": list(tags or []),
        "description": "",
        "shortDesc": "",
        "customFields": {},
        "checklists": {"checklists": []},
        "creationTag": layout.tag(login),
        "versionTag": layout.tag(login),
    }


def managed_dataset(name: str, login: str, connection: str = MANAGED_CONNECTION,
                    schema_columns: list[dict] | None = None) -> dict:
    """A managed Filesystem dataset stored under ``${projectKey}/<name>`` of ``connection``."""
    return dataset("Filesystem", login, {"connection": connection, "path": "${projectKey}/" + name},
                   schema_columns=schema_columns, managed=True)


def uploaded_dataset(login: str, schema_columns: list[dict] | None = None) -> dict:
    return dataset("UploadedFiles", login, schema_columns=schema_columns)


def recipe_role(refs: list[str], output: bool) -> dict:
    """``{"main": {"items": [...]}}`` for input (``deps``) or output (``appendMode``) refs."""
    extra = {"appendMode": False} if output else {"deps": []}
    return {"main": {"items": [dict(ref=ref, **extra) for ref in refs]}} if refs else {}


def recipe(kind: str, login: str, inputs: dict, outputs: dict, params: dict | None = None,
           tags: list[str] | None = None) -> dict:
    """``recipes/<name>.json``; ``inputs`` / ``outputs`` are role dicts (see :func:`recipe_role`)."""
    base_params = {"envSelection": {"envMode": "INHERIT"}, "containerSelection": {"containerMode": "INHERIT"}} \
        if kind in CODE_RECIPE_TYPES else {}
    base_params.update(params or {})
    return {
        "type": kind,
        "params": base_params,
        "inputs": normalise_roles(inputs, output=False),
        "outputs": normalise_roles(outputs, output=True),
        "neverRecomputeExistingPartitions": False,
        "optionalDependencies": False,
        "tags": list(tags or []),
        "customFields": {},
        "checklists": {"checklists": []},
        "creationTag": layout.tag(login),
        "versionTag": layout.tag(login),
    }


def normalise_roles(roles: dict, output: bool) -> dict:
    """Give every item of every role the keys DSS always writes (``deps`` / ``appendMode``)."""
    result = {}
    for role, block in (roles or {}).items():
        items = []
        for item in (block or {}).get("items", []):
            full = dict(item)
            if output:
                full.setdefault("appendMode", False)
            else:
                full.setdefault("deps", [])
            items.append(full)
        result[role] = dict(block, items=items)
    return result


def role_refs(roles: dict) -> list[str]:
    """Every ref of every role, in order."""
    return [item["ref"] for block in (roles or {}).values() for item in (block or {}).get("items", [])]


def payload_path(name: str, kind: str) -> str:
    """Where a recipe's payload lives: ``recipes/<name>.py`` for Python, ``.sync`` for sync, ``.<type>`` else."""
    return f"recipes/{name}{layout.CODE_EXTENSIONS.get(kind, '.' + kind)}"


def build_step(step_id: str, datasets: list[str], name: str | None = None) -> dict:
    """A ``build_flowitem`` scenario step building ``datasets`` (forced recursive build)."""
    return {"id": step_id, "name": name or f"Build {', '.join(datasets)}", "type": "build_flowitem",
            "params": {"builds": [{"type": "DATASET", "itemId": ds} for ds in datasets],
                       "jobType": "RECURSIVE_FORCED_BUILD"}}


def python_step(step_id: str, script: str, name: str | None = None) -> dict:
    """A ``custom_python`` scenario step running ``script``."""
    return {"id": step_id, "name": name or step_id, "type": "custom_python", "params": {"script": script}}


def scenario(scenario_id: str, name: str, login: str, kind: str = "step_based", steps: list[dict] | None = None,
             marked_as_test: bool = False, active: bool = False, tags: list[str] | None = None,
             extra: dict | None = None) -> dict:
    """``scenarios/<id>.json``; ``extra`` carries any other keys a client sent at creation."""
    data = {
        "id": scenario_id,
        "name": name,
        "type": kind,
        "active": active,
        "markedAsTest": marked_as_test,
        "tags": list(tags or []),
        "triggers": [],
        "reporters": [],
        "params": {"steps": list(steps or [])} if kind == "step_based" else {},
        "description": "",
        "shortDesc": "",
        "checklists": {"checklists": []},
        "customFields": {},
        "creationTag": layout.tag(login),
        "versionTag": layout.tag(login),
    }
    data.update(extra or {})
    return data


def bump_version(old: dict, new: dict, login: str) -> dict:
    """``new`` with the creation tag kept and the version tag advanced past ``old``'s."""
    number = ((old.get("versionTag") or {}).get("versionNumber") or 0) + 1
    result = dict(new, versionTag=dict(layout.tag(login), versionNumber=number))
    if old.get("creationTag"):
        result["creationTag"] = old["creationTag"]
    return result


def same_content(old: dict, new: dict) -> bool:
    """Whether two object files differ only by their version / creation tags."""
    ignored = ("versionTag", "creationTag")
    return {k: v for k, v in old.items() if k not in ignored} == {k: v for k, v in new.items() if k not in ignored}
