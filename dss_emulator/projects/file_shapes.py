"""The shapes of a project's JSON files and of the bodies that edit them, checked wherever they come in.

Inferred from what ``dataikuapi``'s accessors read and write (``DSSProjectMetadata``, ``DSSProjectSettings``,
``DSSDatasetSettings``, ``DSSRecipeSettings``, ``DSSScenarioSettings``): tags are lists of strings, settings,
params and custom fields are objects. Only the fields the emulator itself reads are declared; the rest is free.
"""
from __future__ import annotations

import fnmatch
import json

from ..core.exceptions import invalid
from ..core.jsonshape import Shape, check

TEXT = (str, None)
TAGS = [str]
CHECKLISTS = {"checklists": list}
_OBJECT_COMMON = {"tags": TAGS, "customFields": dict, "checklists": CHECKLISTS, "description": TEXT,
                  "shortDesc": TEXT, "params": dict, "versionTag": (dict, None), "creationTag": (dict, None)}

PROJECT_SETTINGS = {"settings": {"gitCommitMode": str}, "exposedObjects": {"objects": list},
                    "bundleExporterSettings": {"exportOptions": {"includedDatasetsData": list}},
                    "permissions": [dict]}
PROJECT_PARAMS = dict(PROJECT_SETTINGS, name=str, owner=TEXT, tags=TAGS, customFields=dict, checklists=CHECKLISTS,
                      description=TEXT, shortDesc=TEXT, projectStatus=TEXT, versionTag=(dict, None),
                      creationTag=(dict, None))
METADATA = {"label": str, "description": TEXT, "shortDesc": TEXT, "tags": TAGS, "custom": ({"kv": dict}, None),
            "checklists": CHECKLISTS}
PROJECT_TAGS = {"tags": (dict, None)}
NEW_PROJECT = {"owner": TEXT, "description": TEXT, "shortDesc": TEXT, "tags": (TAGS, None),
               "settings": ({"gitCommitMode": str}, None), "permissions": ([dict], None)}
DATASET = dict(_OBJECT_COMMON, schema={"columns": [dict]}, formatParams=dict)
RECIPE = dict(_OBJECT_COMMON, inputs=dict, outputs=dict)
SCENARIO = dict(_OBJECT_COMMON, triggers=[dict], markedAsTest=(bool, None))

FILE_SHAPES: dict[str, Shape] = {"params.json": PROJECT_PARAMS, "variables.json": dict,
                                 "datasets/*.json": DATASET, "recipes/*.json": RECIPE, "scenarios/*.json": SCENARIO}


def file_shape(rel: str) -> Shape | None:
    """The declared shape of project file ``rel``, or None for files of free shape."""
    return next((shape for pattern, shape in FILE_SHAPES.items()
                 if fnmatch.fnmatchcase(rel, pattern) and rel.count("/") == pattern.count("/")), None)


def check_file(rel: str, content: object) -> None:
    """Raise a 400 naming ``rel`` and the field when a JSON project file would not have its declared shape."""
    shape = file_shape(rel)
    if shape is not None:
        check(content, shape, rel)


def check_file_bytes(rel: str, data: bytes) -> None:
    """:func:`check_file` for a file's raw bytes (from git or a bundle archive): declared files must be JSON."""
    if file_shape(rel) is None:
        return
    try:
        content = json.loads(data)
    except (ValueError, RecursionError) as exc:
        reason = exc if isinstance(exc, ValueError) else "nested too deeply"
        raise invalid(f"Invalid {rel}: not a JSON file ({reason})") from None
    check_file(rel, content)
