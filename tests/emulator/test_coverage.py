"""Evidence per route: every route declares it, the client functions cited really call the route, COVERAGE.md is
current, and the recording the product checks rely on sees the routes a real client hits."""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import dataikuapi
import pytest

from dss_emulator import coverage
from dss_emulator.cli import main
from dss_emulator.core.evidence import client, control, invented
from dss_emulator.core.routing import RouteTable
from dss_emulator.urls import all_routes

CLIENT_ROOT = Path(dataikuapi.__file__).resolve().parent.parent


def _pattern(node: ast.expr) -> str | None:
    """The path a ``_perform_*`` call builds, with every interpolated part as ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = _pattern(node.left)
        return None if left is None else re.sub(r"%[sd]", "{}", left)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return (_pattern(node.left) or "{}") + (_pattern(node.right) or "{}")
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/")


@cache
def _calls_of(file: str, function: str) -> set[tuple[str, str]]:
    """``(method, path pattern)`` of every HTTP call made in ``Class.function`` of the dataikuapi ``file``."""
    class_name, method_name = function.split(".")
    tree = ast.parse((CLIENT_ROOT / file).read_text())
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name)
    fn = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method_name)
    calls = set()
    for node in ast.walk(fn):
        performs = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if performs and node.func.attr.startswith("_perform_"):
            args = dict(zip(("method", "path"), node.args, strict=False)) | {k.arg: k.value for k in node.keywords}
            method, path = args.get("method"), args.get("path")
            if isinstance(method, ast.Constant) and path is not None and _pattern(path) is not None:
                calls.add((method.value, _normalised(_pattern(path))))
    return calls


def test_every_route_declares_evidence():
    assert coverage.missing_evidence(all_routes()) == []


def test_a_route_without_evidence_is_reported():
    table = RouteTable()
    table.route("GET", "/projects/{pk}/undocumented", access="read")(lambda ctx, pk: None)
    table.route("GET", "/projects/{pk}/documented", access="read", evidence=invented("a test route"))(
        lambda ctx, pk: None)
    assert coverage.missing_evidence(table.routes) == ["GET /dip/publicapi/projects/{pk}/undocumented"]


def test_every_cited_client_function_calls_its_route():
    cited = [spec for spec in all_routes() if spec.evidence.kind == "client"]
    assert len(cited) > 100
    wrong = []
    for spec in cited:
        file, function = spec.evidence.ref.split(": ")
        route = _normalised(spec.path.removeprefix("/dip/publicapi").removeprefix("/project-deployer"))
        calls = {(m, p.removeprefix("/project-deployer")) for m, p in _calls_of(file, function)}
        if (spec.method, route) not in calls:
            wrong.append(f"{spec.method} {spec.path}: {spec.evidence.ref} calls {sorted(calls)}")
    assert wrong == []


def test_control_routes_are_the_emulators_own_and_only_they_are():
    for spec in all_routes():
        is_control = spec.path.startswith("/__emulator__/")
        assert (spec.evidence.kind == "emulator-control") == is_control, spec.path


def test_coverage_md_is_current():
    assert coverage.COVERAGE_FILE.read_text() == coverage.render(), (
        "dss_emulator/COVERAGE.md is stale: run python -m dss_emulator coverage --write")


def test_coverage_md_lists_every_route_with_access_and_evidence():
    text = coverage.render()
    for spec in all_routes():
        shown = spec.path.removeprefix("/dip/publicapi")
        assert f"| {spec.method} | `{shown}` | {spec.access} | {spec.evidence.kind} |" in text


def test_the_coverage_command_prints_the_file(capsys):
    assert main(["coverage"]) == 0
    assert capsys.readouterr().out == coverage.COVERAGE_FILE.read_text()


def test_invented_routes_among_served_ones_are_named():
    table = RouteTable()
    table.route("GET", "/projects/{pk}/made-up", access="read", evidence=invented("no source at all"))(
        lambda ctx, pk: None)
    table.route("GET", "/projects/{pk}/real", access="read",
                evidence=client("dss/project.py", "DSSProject.get_summary"))(lambda ctx, pk: None)
    served = {("GET", "/dip/publicapi/projects/{pk}/made-up"), ("GET", "/dip/publicapi/projects/{pk}/real")}
    assert coverage.invented_among(served, table.routes) == [
        "GET /dip/publicapi/projects/{pk}/made-up: no source at all"]
    with pytest.raises(KeyError):
        coverage.invented_among({("GET", "/dip/publicapi/nowhere")}, table.routes)


def test_bad_declarations_are_refused_at_import():
    table = RouteTable()
    with pytest.raises(ValueError, match="needs a {pk} path parameter"):
        table.route("GET", "/futures/{job_id}", access="read", evidence=control("x"))
    with pytest.raises(ValueError, match="Invalid access level"):
        table.route("GET", "/futures", access="everyone", evidence=control("x"))
    with pytest.raises(ValueError, match="Invalid evidence entry id"):
        client("dss/project.py", "DSSProject.get_summary", "B07")


def test_the_recording_holds_the_route_patterns_a_real_client_hit(dss):
    client_ = dss.client("design")
    client_.create_project("REC", "Recorded", "admin")
    with dss.recording() as served:
        client_.get_project("REC").get_summary()
        client_.list_projects()
    client_.get_project("REC").get_metadata()  # after the recording: not in it
    assert served == {("GET", "/dip/publicapi/projects/{pk}"), ("GET", "/dip/publicapi/projects")}
    assert coverage.invented_among(served) == []
