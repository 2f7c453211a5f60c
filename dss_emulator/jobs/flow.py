"""A project's flow, derived from its recipes' inputs and outputs: the graph the client reads, and build plans."""
from __future__ import annotations

import graphlib
from collections.abc import Callable
from dataclasses import dataclass

from ..projects.models import Project

BUILD_TYPES = ("NON_RECURSIVE_FORCED_BUILD", "RECURSIVE_BUILD", "RECURSIVE_FORCED_BUILD",
               "RECURSIVE_MISSING_ONLY_BUILD")


class FlowError(Exception):
    """The flow cannot be built as asked (a cycle); fails the job."""


@dataclass(frozen=True)
class FlowRecipe:
    name: str
    type: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


def _refs(roles: object) -> tuple[str, ...]:
    refs: list[str] = []
    for role in (roles or {}).values() if isinstance(roles, dict) else ():
        for item in (role or {}).get("items", []) if isinstance(role, dict) else ():
            ref = item.get("ref") if isinstance(item, dict) else None
            if isinstance(ref, str) and ref not in refs:
                refs.append(ref)
    return tuple(refs)


class Flow:
    """Datasets and recipes of a project, linked by the recipes' declared inputs and outputs."""

    def __init__(self, project: Project):
        self.project_key = project.key
        self.datasets = set(project.object_names("datasets"))
        self.recipes: dict[str, FlowRecipe] = {}
        for name, data in project.objects("recipes"):
            self.recipes[name] = FlowRecipe(name, str(data.get("type", "")), _refs(data.get("inputs")),
                                            _refs(data.get("outputs")))
        self.producer: dict[str, FlowRecipe] = {}
        for recipe in self.recipes.values():
            for output in recipe.outputs:
                self.producer.setdefault(output, recipe)

    # --- the graph the client reads ----------------------------------------------------------------------
    def graph(self) -> dict:
        """``{nodes: {name: {ref, type, predecessors, successors}}}`` keyed by object name."""
        nodes: dict[str, dict] = {}

        def dataset_node(ref: str) -> dict:
            foreign, _, name = ref.rpartition(".")  # "OTHER.name" is a dataset shared by project OTHER
            return nodes.setdefault(ref, {"ref": name, "type": "COMPUTABLE_DATASET",
                                          "projectKey": foreign or self.project_key,
                                          "predecessors": [], "successors": []})

        for name in sorted(self.datasets):
            dataset_node(name)
        for recipe in self.recipes.values():
            nodes[recipe.name] = {"ref": recipe.name, "type": "RUNNABLE_RECIPE", "subType": recipe.type,
                                  "projectKey": self.project_key, "predecessors": list(recipe.inputs),
                                  "successors": list(recipe.outputs)}
        for recipe in self.recipes.values():
            for ref in recipe.inputs:
                dataset_node(ref)["successors"].append(recipe.name)
            for ref in recipe.outputs:
                dataset_node(ref)["predecessors"].append(recipe.name)
        return {"nodes": nodes}

    # --- build plans -------------------------------------------------------------------------------------
    def plan(self, targets: list[str], build_type: str, has_data: Callable[[str], bool],
             is_stale: Callable[[FlowRecipe], bool]) -> list[FlowRecipe]:
        """The recipes a build of ``targets`` runs, upstream first.

        Forced builds run the targets' recipes (and, if recursive, every recipe upstream). A smart
        ``RECURSIVE_BUILD`` runs a recipe when it is stale or an upstream recipe runs. ``..._MISSING_ONLY_BUILD``
        runs a recipe only for outputs that have no data, and looks upstream only from those.
        """
        if build_type == "NON_RECURSIVE_FORCED_BUILD":
            chosen = {self.producer[t].name for t in targets if t in self.producer}
        elif build_type == "RECURSIVE_MISSING_ONLY_BUILD":
            chosen = self._missing(targets, has_data)
        else:
            chosen = self._upstream(targets)
        ordered = self._ordered(chosen)
        if build_type != "RECURSIVE_BUILD":
            return ordered
        running: set[str] = set()
        for recipe in ordered:
            if is_stale(recipe) or any(self.producer[i].name in running for i in recipe.inputs if i in self.producer):
                running.add(recipe.name)
        return [r for r in ordered if r.name in running]

    def _upstream(self, targets: list[str]) -> set[str]:
        chosen: set[str] = set()
        todo = [t for t in targets if t in self.producer]
        while todo:
            recipe = self.producer[todo.pop()]
            if recipe.name not in chosen:
                chosen.add(recipe.name)
                todo.extend(i for i in recipe.inputs if i in self.producer)
        return chosen

    def _missing(self, targets: list[str], has_data: Callable[[str], bool]) -> set[str]:
        chosen: set[str] = set()
        seen: set[str] = set()
        todo = list(targets)
        while todo:
            dataset = todo.pop()
            if dataset in seen or dataset not in self.producer or has_data(dataset):
                continue
            seen.add(dataset)
            recipe = self.producer[dataset]
            chosen.add(recipe.name)
            todo.extend(recipe.inputs)
        return chosen

    def _ordered(self, names: set[str]) -> list[FlowRecipe]:
        sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
        for name in sorted(names):
            recipe = self.recipes[name]
            sorter.add(name, *sorted(self.producer[i].name for i in recipe.inputs
                                     if i in self.producer and self.producer[i].name in names))
        try:
            return [self.recipes[n] for n in sorter.static_order()]
        except graphlib.CycleError as exc:
            raise FlowError(f"The flow has a cycle through recipes {', '.join(exc.args[1])}") from None
