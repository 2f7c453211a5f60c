"""Scenario definitions: ``scenarios/<id>.json`` in the project's git (a ``custom_python`` scenario keeps its script
in ``scenarios/<id>.py``). Saves commit in AUTO mode with DSS's messages and stay uncommitted in EXPLICIT mode.
"""
from __future__ import annotations

import re

from ..core.exceptions import invalid
from ..objects import shapes
from ..objects.datasets import check_dict, check_name
from ..projects.models import Project, ProjectsBackend
from .exceptions import ScenarioAlreadyExists


class ScenarioDefinitions:
    """The scenarios of every project of an instance, as files of the projects (``projects``)."""

    def __init__(self, projects: ProjectsBackend):
        self.projects = projects

    def _project(self, pk: str) -> Project:
        return self.projects.get(pk)

    def list_scenarios(self, pk: str) -> list[dict]:
        """List items as dsscli reads them; run state (``running``, ``nextRun``) is that of an idle scenario."""
        items = []
        for sid, data in self._project(pk).objects("scenarios"):
            triggers = data.get("triggers") or []
            items.append({
                "id": data.get("id", sid), "name": data.get("name", sid), "projectKey": pk,
                "type": data.get("type", "step_based"), "active": bool(data.get("active")),
                "markedAsTest": bool(data.get("markedAsTest")), "tags": list(data.get("tags", [])),
                "description": data.get("description", ""), "shortDesc": data.get("shortDesc", ""),
                "running": False, "nextRun": 0,
                "triggerDigestItems": [{"name": t.get("name", t.get("type", "")), "description": t.get("type", ""),
                                        "active": bool(t.get("active", True))} for t in triggers],
                "versionTag": data.get("versionTag"), "creationTag": data.get("creationTag"),
            })
        return items

    def scenario(self, pk: str, sid: str) -> dict:
        return dict(self._project(pk).get_object("scenarios", sid), projectKey=pk)

    def _check_scenario(self, body: dict) -> None:
        if body.get("type") not in shapes.SCENARIO_TYPES:
            raise invalid(f"Invalid scenario type: {body.get('type')!r}",
                          f"type must be one of {', '.join(shapes.SCENARIO_TYPES)}")
        params = check_dict("params", body.get("params"))
        if body["type"] == "step_based" and not isinstance(params.get("steps", []), list):
            raise invalid(f"Invalid params.steps: expected a list, got {params.get('steps')!r}")
        for key in ("active", "markedAsTest"):
            if key in body and not isinstance(body[key], bool):
                raise invalid(f"Invalid {key}: expected a boolean, got {body[key]!r}")

    def save_scenario(self, pk: str, sid: str, body: dict, login: str) -> None:
        project = self._project(pk)
        if body.get("id") not in (None, sid):
            raise invalid(f"Invalid id: {body['id']!r}", f"settings of scenario {sid} cannot change its id")
        self._check_scenario(body)
        with project.lock:
            old = project.get_object("scenarios", sid)
            new = dict({k: v for k, v in body.items() if k != "projectKey"}, id=sid)
            if not shapes.same_content(old, new):
                project.save_files({f"scenarios/{sid}.json": shapes.bump_version(old, new, login)},
                                   f"Saved scenario: {pk}.{sid}", login)

    def create_scenario(self, pk: str, body: dict, login: str) -> str:
        """``POST /scenarios`` with ``{name, type, params, ...}``; the id comes from ``id`` or from the name."""
        project = self._project(pk)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid(f"Invalid scenario name: {name!r}", "name must be a non-empty string")
        self._check_scenario(body)
        with project.lock:
            existing = set(project.object_names("scenarios"))
            if body.get("id") is not None:
                sid = check_name("scenario id", body["id"])
                if sid in existing:
                    raise ScenarioAlreadyExists(pk, sid)
            else:
                sid = base = re.sub(r"[^A-Za-z0-9_]", "", name.upper().replace(" ", "_")) or "SCENARIO"
                counter = 1
                while sid in existing:
                    sid, counter = f"{base}_{counter}", counter + 1
            extra = {k: v for k, v in body.items() if k not in ("id", "name", "type", "projectKey")}
            if body["type"] == "step_based":
                extra["params"] = dict({"steps": []}, **check_dict("params", body.get("params")))
            data = shapes.scenario(sid, name, login, kind=body["type"], extra=extra)
            project.save_files({f"scenarios/{sid}.json": data}, f"Created scenario {pk}.{sid}", login)
        return sid

    def delete_scenario(self, pk: str, sid: str, login: str) -> None:
        project = self._project(pk)
        with project.lock:
            project.get_object("scenarios", sid)
            project.save_files({f"scenarios/{sid}.json": None, f"scenarios/{sid}.py": None},
                               f"Deleted scenario {pk}.{sid}", login)

    def scenario_script(self, pk: str, sid: str) -> dict:
        project = self._project(pk)
        project.get_object("scenarios", sid)
        return {"script": project.read_text(f"scenarios/{sid}.py") or ""}

    def save_scenario_script(self, pk: str, sid: str, script: object, login: str) -> None:
        if not isinstance(script, str):
            raise invalid(f"Invalid script: expected a string, got {script!r}")
        project = self._project(pk)
        with project.lock:
            project.get_object("scenarios", sid)
            if project.read_text(f"scenarios/{sid}.py") != script:
                project.save_files({f"scenarios/{sid}.py": script}, f"Saved scenario: {pk}.{sid}", login)
