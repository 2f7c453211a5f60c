"""Check declared resource inputs against the pulumi-github 6.15.0 schema (converted to JSON Schema).

No unknown input, required inputs present, types right (nested object types included). The checks use
``pulumi_github_schema.json``: the slice of the provider's 2 MB schema (../shared/pulumi-github-schema.json) covering
the resources the program declares and the functions it invokes, plus the provider;
test_schema_slice_matches_the_full_schema keeps it honest.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

FULL_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "pulumi-github-schema.json"
SLICE_FILE = Path(__file__).resolve().parent / "pulumi_github_schema.json"
PROVIDER_TYPE = "pulumi:providers:github"
USED_RESOURCES = (
    "github:index/repository:Repository", "github:index/branchDefault:BranchDefault", "github:index/branch:Branch",
    "github:index/branchProtection:BranchProtection", "github:index/repositoryFile:RepositoryFile",
    "github:index/repositoryEnvironment:RepositoryEnvironment",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    "github:index/actionsVariable:ActionsVariable",
    "github:index/actionsOrganizationVariable:ActionsOrganizationVariable",
    "github:index/teamRepository:TeamRepository",
)
USED_FUNCTIONS = ("github:index/getRepository:getRepository",)


def _refs(spec) -> set[str]:
    if isinstance(spec, dict):
        found = {spec["$ref"].removeprefix("#/types/")} if str(spec.get("$ref", "")).startswith("#/types/") else set()
        return found.union(*(_refs(v) for v in spec.values()))
    if isinstance(spec, list):
        return set().union(*(_refs(v) for v in spec))
    return set()


def _strip(spec):
    """Drop prose and per-language metadata: only names, types and requirements matter here."""
    if isinstance(spec, dict):
        prose = ("description", "deprecationMessage")  # a *property* named description is a dict: kept
        return {k: _strip(v) for k, v in spec.items()
                if k != "language" and not (k in prose and isinstance(v, str))}
    if isinstance(spec, list):
        return [_strip(v) for v in spec]
    return spec


def schema_slice(full: dict) -> dict:
    """The inputs of USED_RESOURCES and of the provider, with every type they reach (prose removed)."""
    resources = {t: {k: full["resources"][t][k] for k in ("inputProperties", "requiredInputs")
                     if k in full["resources"][t]} for t in USED_RESOURCES}
    provider = {k: full["provider"][k] for k in ("inputProperties", "requiredInputs") if k in full["provider"]}
    functions = {t: {"inputs": full["functions"][t]["inputs"]} for t in USED_FUNCTIONS}
    types: dict[str, dict] = {}
    pending = _refs(resources) | _refs(provider) | _refs(functions)
    while pending:
        token = pending.pop()
        types[token] = full["types"][token]
        pending |= _refs(types[token]) - set(types)
    return _strip({"name": full["name"], "provider": provider, "resources": resources, "functions": functions,
                   "types": types})


def _def_name(token: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", token)


def _convert(spec: dict) -> dict:
    ref = spec.get("$ref")
    if ref is not None:
        return {"$ref": f"#/$defs/{_def_name(ref.removeprefix('#/types/'))}"} if ref.startswith("#/types/") else {}
    kind = spec.get("type")
    if kind == "array":
        return {"type": "array", "items": _convert(spec.get("items", {}))}
    if kind == "object":
        converted = {"type": "object"}
        if "properties" in spec:
            converted.update(properties={k: _convert(v) for k, v in spec["properties"].items()},
                             required=list(spec.get("required", [])), additionalProperties=False)
        elif "additionalProperties" in spec:
            converted["additionalProperties"] = _convert(spec["additionalProperties"])
        return converted
    if kind in ("string", "integer", "number", "boolean"):
        converted = {"type": kind}
        if "enum" in spec:
            converted["enum"] = [e["value"] for e in spec["enum"]]
        return converted
    return {}


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    schema = json.loads(SLICE_FILE.read_text())
    defs = {_def_name(token): _convert(spec) for token, spec in schema["types"].items()}
    resources = dict(schema["resources"])
    resources[PROVIDER_TYPE] = schema["provider"]
    validators = {}
    for token, spec in resources.items():
        properties = {k: _convert(v) for k, v in spec.get("inputProperties", {}).items()}
        document = {"type": "object", "properties": properties, "required": list(spec.get("requiredInputs", [])),
                    "additionalProperties": False, "$defs": defs}
        validators[token] = Draft202012Validator(document)
    for token, spec in schema["functions"].items():
        inputs = spec["inputs"]
        properties = {k: _convert(v) for k, v in inputs.get("properties", {}).items()}
        document = {"type": "object", "properties": properties, "required": list(inputs.get("required", [])),
                    "additionalProperties": False, "$defs": defs}
        validators[token] = Draft202012Validator(document)
    return validators


def schema_problems(resource_type: str, inputs: dict) -> list[str]:
    """Why ``inputs`` would be refused for ``resource_type`` (or the invoke arguments for a function token; empty
    list = valid)."""
    validator = _validators().get(resource_type)
    if validator is None:
        return [f"{resource_type} is not a resource of the pulumi-github schema"]
    if resource_type == PROVIDER_TYPE:  # the SDK sends a provider's non-string inputs JSON-encoded
        inputs = {k: _json_or_text(v) for k, v in inputs.items()}
    return [f"{'/'.join(map(str, e.absolute_path)) or '<inputs>'}: {e.message}" for e in validator.iter_errors(inputs)]


def _json_or_text(value):
    if not isinstance(value, str):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, bool | int | float | list | dict) else value
