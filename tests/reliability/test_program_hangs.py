"""A DSS node that accepts connections and never answers, or answers too late, stops the program with one line
(config ``dssTimeoutSeconds``) instead of holding the run forever; nothing is declared."""
from __future__ import annotations

import functools
import socket

import pytest

from components.discovery import DiscoveryError
from components.dss_remote import DssGitRemoteProvider
from components.program import run_program
from components.settings import ConfigError
from gitops_plan.mocks import ProgramMocks, RecordingMonitor, run_mocked

from .program_helpers import one_line_error, plan_cli, secret_environment, settings


@pytest.fixture
def silent_node():
    """A TCP port whose kernel accepts connections (listen backlog) while nothing ever reads or answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_the_offline_plan_stops_on_a_node_that_never_answers(dss, silent_node):
    result = plan_cli("--design-url", silent_node, "--set", "dssTimeoutSeconds=1",
                      env=secret_environment(dss.admin_key("design")), timeout=60)
    assert one_line_error(result, 1) == (f"refused: DSS discovery failed: GET /projects/ got no answer from "
                                         f"{silent_node} within 1 s (dssTimeoutSeconds); nothing was changed")


def test_a_late_answer_stops_discovery_before_anything_is_declared(dss):
    dss.client().create_project("ALPHA", "Alpha", "admin")
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": "/plugins/?$", "count": 1,
                                                     "delay": 3})
    monitor = RecordingMonitor(ProgramMocks())
    with pytest.raises(DiscoveryError) as caught:
        run_mocked(functools.partial(run_program, settings(dss, dssTimeoutSeconds="1")), monitor=monitor)
    assert str(caught.value) == (f"DSS discovery failed: GET /plugins/ got no answer from {dss.url('design')} "
                                 "within 1 s (dssTimeoutSeconds); nothing was changed")
    assert monitor.declared == []


def test_onboarding_stops_on_a_node_that_never_answers(silent_node):
    props = {"project_key": "ALPHA", "remote_url": "/srv/git/dss-alpha.git", "branch": "dev", "prod_branch": "prod",
             "design_url": silent_node, "api_key": "some-key", "timeout_seconds": 1}
    outs = DssGitRemoteProvider().create(props).outs  # recorded, not raised: other projects go on
    assert outs["failure"] == (f"DSS project ALPHA: could not set the git remote: {silent_node} gave no answer "
                               "within 1.0 s (dssTimeoutSeconds)")
    assert outs["pushed_commit"] is None


def test_the_timeout_has_a_default_and_bounds(dss):
    assert settings(dss).dss_timeout_seconds == 120
    for bad in ("0", "3601"):
        with pytest.raises(ConfigError, match=rf"^dssTimeoutSeconds: must be between 1 and 3600 seconds "
                                              rf"\(got '{bad}'\)"):
            settings(dss, dssTimeoutSeconds=bad)
