"""No secret value in the output, the step summary, the JUnit report or the step outputs; the certificate file
exists only while the run needs it."""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from .helpers import make_world

PEM = ("-----BEGIN CERTIFICATE-----\nMIIBcertificatebodySECRETPART0123456789\n-----END CERTIFICATE-----\n"
       "-----BEGIN PRIVATE KEY-----\nMIIEprivatekeybodySECRETPART0123456789\n-----END PRIVATE KEY-----\n")
TOKEN = "ghs_" + "T0kenT0kenT0kenT0kenT0kenT0kenT0ken"


def test_secrets_never_appear_in_what_the_run_writes(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    runner_temp, outputs = tmp_path / "runner-temp", tmp_path / "github-output"
    runner_temp.mkdir()
    env = world.environ("staging", DSS_CLIENT_CERTIFICATE=PEM, GITHUB_TOKEN=TOKEN, RUNNER_TEMP=str(runner_temp),
                        GITHUB_OUTPUT=str(outputs), GITHUB_ACTIONS="true")

    assert world.run(capsys, "test", "staging", world.dss_head(), env=env) == ExitStatus.OK, world.output
    # The quick tests.py checked inside the pytest process: only DATAIKU_* variables, a 0600 certificate file.
    assert "test_only_the_stage_credentials_reach_tests PASSED" in world.output
    assert list(runner_temp.iterdir()) == []
    written = [world.output, world.summary(), world.junit().read_text(), outputs.read_text()]
    assert "bundle-id=b-" in written[-1]
    secrets = [world.keys["design"], world.keys["staging"], TOKEN, "SECRETPART"]
    assert [s for s in secrets for text in written if s in text] == []


def test_a_rejected_key_is_not_echoed(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    env = world.environ("staging", DSS_DESIGN_API_KEY="wrong-design-key-98765")
    assert world.run(capsys, "test", "staging", world.dss_head(), env=env) == ExitStatus.ERROR
    assert "Authenticating to the design node" in world.output and "with DSS_DESIGN_API_KEY failed" in world.output
    assert "wrong-design-key-98765" not in world.output + world.summary()
