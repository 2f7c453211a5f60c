"""Which plugins a project's content uses, and whether the target automation node has them (before deploying).

A recipe or dataset provided by a plugin has a custom type: recipes ``CustomCode_<component>``, datasets
``CustomPython_<component>`` or ``Custom_<component>``, where the component id starts with the plugin id
(``<plugin-id>-<name>`` or ``<plugin-id>_<name>``). This naming is inferred from how Dataiku names plugin
components, not documented: a type that no design-node plugin matches is only reported.
"""
from __future__ import annotations

import json

from dataikuapi import DSSClient

from .errors import DeployFailed, dss_call
from .gitrepo import LocalRepo

CUSTOM_PREFIXES = ("CustomCode_", "CustomPython_", "Custom_")


class PluginMissing(DeployFailed):
    """The content uses a plugin the target node lacks (or has in an older version than the design node)."""

    title = "Plugin missing on the automation node"


def custom_types(repo: LocalRepo, commit: str) -> dict[str, list[str]]:
    """``{component id: ["recipe r", "dataset d", ...]}`` of the commit's custom recipe and dataset types."""
    used: dict[str, list[str]] = {}
    for folder, kind in (("recipes", "recipe"), ("datasets", "dataset")):
        listing = repo.git("ls-tree", "--name-only", f"{commit}:{folder}") if _has(repo, commit, folder) else ""
        for name in listing.splitlines():
            if not name.endswith(".json"):
                continue
            try:
                kind_type = json.loads(repo.git("cat-file", "-p", f"{commit}:{folder}/{name}")).get("type")
            except (ValueError, AttributeError):
                continue
            prefix = next((p for p in CUSTOM_PREFIXES if isinstance(kind_type, str) and kind_type.startswith(p)), None)
            if prefix:
                used.setdefault(kind_type[len(prefix):], []).append(f"{kind} {name[:-len('.json')]}")
    return used


def _has(repo: LocalRepo, commit: str, folder: str) -> bool:
    return repo._run("cat-file", "-e", f"{commit}:{folder}").returncode == 0


def _versions(client: DSSClient, node: str) -> dict[str, str]:
    with dss_call(f"Listing the plugins of {node}"):
        return {p["id"]: str(p.get("version")) for p in client.list_plugins() if p.get("id")}


def _provider(component: str, plugin_ids: list[str]) -> str | None:
    matches = [p for p in plugin_ids if component == p or component.startswith((f"{p}-", f"{p}_"))]
    return max(matches, key=len) if matches else None


def _older(have: str, want: str) -> bool:
    def key(version: str) -> tuple:
        return tuple(int(part) if part.isdigit() else 0 for part in version.split("-")[0].split("."))
    return key(have) < key(want)


def check(repo: LocalRepo, commit: str, design: DSSClient, automation: DSSClient, node: str) -> list[str]:
    """Fail when a plugin the content uses is missing on ``node`` or older there than on the design node;
    answer the lines describing what was checked."""
    used = custom_types(repo, commit)
    if not used:
        return []
    design_versions = _versions(design, "the design node")
    node_versions = _versions(automation, node)
    lines, problems = [], []
    for component, objects in sorted(used.items()):
        plugin = _provider(component, sorted(design_versions))
        if plugin is None:
            lines.append(f"type {component} ({', '.join(objects)}): no design-node plugin matches it, not checked")
            continue
        want, have = design_versions[plugin], node_versions.get(plugin)
        if have is None:
            problems.append(f"plugin {plugin} (used by {', '.join(objects)}) is missing on {node}")
        elif _older(have, want):
            problems.append(f"plugin {plugin} (used by {', '.join(objects)}) is {have} on {node}, older than "
                            f"{want} on the design node")
        else:
            lines.append(f"plugin {plugin} {have} on {node} (design node: {want})")
    if problems:
        raise PluginMissing("; ".join(problems) + ": install it there first (its repository's pipeline does)")
    return lines
