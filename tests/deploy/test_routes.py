"""The deploy script only calls DSS routes backed by a Dataiku source (``dss_emulator/COVERAGE.md``).

Every ``World.run`` already fails on a route marked invented; this test checks that the recording behind that
check is real: a PR run and a release record the routes they must call, and none is the emulator's own.
"""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from dss_emulator.urls import all_routes

from .helpers import make_world

DSS = "/dip/publicapi"
MUST_CALL = {
    ("PUT", DSS + "/projects/{pk}/bundles/exported/{bid}"),
    ("POST", DSS + "/projects/{pk}/bundles/{bid}/publish"),
    ("POST", DSS + "/project-deployer/deployments"),
    ("POST", DSS + "/project-deployer/deployments/{dep_id}/actions/update"),
    ("GET", DSS + "/futures/{job_id}"),
    ("GET", DSS + "/project-deployer/deployments/{dep_id}/status"),
}


def test_a_pr_run_and_a_release_call_only_routes_with_dataiku_evidence(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    assert world.run(capsys, "test", "staging", world.dss_head()) == ExitStatus.OK, world.output
    assert world.run(capsys, "release", "prod", world.merge_to_prod()) == ExitStatus.OK, world.output

    assert MUST_CALL <= world.served
    kinds = {(spec.method, spec.path): spec.evidence.kind for spec in all_routes()}
    assert {route: kinds[route] for route in world.served
            if kinds[route] not in ("client", "docs", "sample", "inferred")} == {}
