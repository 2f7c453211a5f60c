"""A design node behind an HTTPS certificate of a private CA: the deploy script and the fleet status trust exactly
the CAs of ``DSS_CA_BUNDLE`` (PEM content; ``requests`` trusts only certifi's CAs, not the runner's system store),
even when the runner's ``REQUESTS_CA_BUNDLE`` points elsewhere; without it, nothing is deployed.

The automation nodes stay on HTTP here: the emulator's design node reaches them itself (as DSS's Project Deployer
does) and has no trust setting of its own. That tests.py receives the bundle as ``REQUESTS_CA_BUNDLE`` is checked in
test_tests_runner.py."""
from __future__ import annotations

import pytest
from dss_deploy.cli import ExitStatus
from dss_deploy.fleet.cli import main as status_main

from dss_emulator.config import parse_config
from dss_emulator.pytest_plugin import DEFAULT_CLUSTER
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle

from ..program.certificates import Pki, make_pki
from .helpers import make_world


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def https_cluster(tmp_path_factory, pki):
    """The design node on HTTPS with a server certificate of the test's private CA."""
    tls = {"certfile": str(pki.server_cert), "keyfile": str(pki.server_key)}
    instances = [dict(instance, tls=tls) if instance["role"] == "design" else instance
                 for instance in DEFAULT_CLUSTER["instances"]]
    config = parse_config({"instances": instances, "data_dir": tmp_path_factory.mktemp("https-emulator"),
                           "local_remote_roots": [tmp_path_factory.getbasetemp()]})
    server = EmulatorServer(config).start()
    yield EmulatorHandle(server, verify=str(pki.ca_file))
    server.stop()


@pytest.fixture
def world(https_cluster, tmp_path):
    https_cluster.reset()
    return make_world(https_cluster, tmp_path)


def test_a_pull_request_deploys_through_the_private_ca(world, pki, tmp_path, capsys, monkeypatch):
    assert world.dss.url("design").startswith("https://")
    head = world.dss_head()
    other = tmp_path / "other"
    other.mkdir()
    runner_bundle = make_pki(other).ca_file  # the runner's own bundle: it does not hold the private CA
    env = world.environ("staging", DSS_CA_BUNDLE=pki.ca_pem, REQUESTS_CA_BUNDLE=str(runner_bundle))
    with monkeypatch.context() as runner:  # requests reads REQUESTS_CA_BUNDLE from the process environment
        runner.setenv("REQUESTS_CA_BUNDLE", str(runner_bundle))
        status = world.run(capsys, "test", "staging", head, env=env)
    assert status == ExitStatus.OK, world.output
    assert world.active_bundle("staging") == world.exported_ids()[-1]


def test_without_the_ca_bundle_the_nodes_are_not_trusted_and_nothing_is_deployed(world, capsys):
    head = world.dss_head()
    status = world.run(capsys, "test", "staging", head)
    assert status == ExitStatus.ERROR, world.output
    assert "CERTIFICATE_VERIFY_FAILED" in world.output
    assert world.active_bundle("staging") is None and world.exported_ids() == []


def test_the_fleet_status_trusts_the_ca_bundle(world, pki, capsys):
    argv = ["--design-url", world.dss.url("design"), "--staging-infra-id", "staging", "--prod-infra-id", "prod"]
    env = {"DSS_DESIGN_API_KEY": world.keys["design"], "DSS_CA_BUNDLE": pki.ca_pem}
    assert status_main(argv, env) == 0
    assert "CHURN" in capsys.readouterr().out
    assert status_main(argv, {"DSS_DESIGN_API_KEY": world.keys["design"]}) == 1
    assert "CERTIFICATE_VERIFY_FAILED" in capsys.readouterr().out
