"""``python -m dss_emulator serve|seed`` as real subprocesses: bad configs, startup lines, SIGTERM, seeding."""
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dataikuapi import DSSClient

ROOT = Path(__file__).resolve().parents[2]
GOOD_INSTANCE = {"name": "dev", "role": "design", "port": 0, "admin_key": "dev-admin-key"}


def _cli(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "dss_emulator", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def _config(tmp_path, instances):
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "instances": instances}))
    return path


@pytest.mark.parametrize("instances, expected", [
    ([dict(GOOD_INSTANCE, role="deployer")], "instances.0.role: Input should be 'design' or 'automation' (got "
                                             "'deployer')"),
    ([dict(GOOD_INSTANCE, port=11200), dict(GOOD_INSTANCE, name="prod", role="automation", port=11200)],
     "instances.1.port: 11200 is already used by instance 'dev'"),
    ([{"name": "dev", "port": 0}], "instances.0.admin_key: field required"),
    ([dict(GOOD_INSTANCE, infras=[{"id": "staging", "automation_node": "nope"}])],
     "instances.0.infras.0.automation_node: infra staging names unknown instance 'nope'"),
    ([GOOD_INSTANCE, dict(GOOD_INSTANCE, port=1)], "instances.1.name: 'dev' is already the name of instances.0"),
    ([dict(GOOD_INSTANCE, colour="blue")], "instances.0.colour: Extra inputs are not permitted (got 'blue')"),
])
def test_bad_config_prints_one_line_naming_the_field(tmp_path, instances, expected):
    result = _cli("serve", "--config", str(_config(tmp_path, instances)))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {expected}"]
    assert result.stdout == ""


def test_missing_or_unparsable_config_file(tmp_path):
    assert _cli("serve", "--config", str(tmp_path / "nope.yml")).stderr.strip() == \
        f"error: config file not found: {tmp_path / 'nope.yml'}"
    broken = tmp_path / "broken.yml"
    broken.write_text("instances: [\n")
    result = _cli("serve", "--config", str(broken))
    assert result.returncode == 2 and result.stderr.startswith(f"error: {broken}: invalid YAML")


def _serve(*args):
    proc = subprocess.Popen([sys.executable, "-m", "dss_emulator", "serve", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc


def test_serve_prints_one_line_per_instance_and_stops_on_sigterm(tmp_path):
    config = _config(tmp_path, [GOOD_INSTANCE, {"name": "prod", "role": "automation", "port": 0,
                                                "admin_key": "prod-admin-key"}])
    proc = _serve("--config", str(config))
    try:
        lines = [proc.stdout.readline().strip() for _ in range(2)]
        assert [line.split(" ready at ")[0] for line in lines] == ["dev (design)", "prod (automation)"]
        urls = {line.split(" ")[0]: line.split(" ready at ")[1] for line in lines}
        assert all(url.startswith("http://127.0.0.1:") for url in urls.values())
        assert DSSClient(urls["prod"], "prod-admin-key").get_instance_info().node_type == "AUTOMATION"
        seeded = _cli("seed", "--url", urls["dev"], "--api-key", "dev-admin-key", "--synthetic", "2")
        assert seeded.returncode == 0, seeded.stderr
        assert seeded.stdout.splitlines()[-1] == "  synthetic projects: 2/2 (up to SYNTH_00002, 2 created)"
        assert DSSClient(urls["dev"], "dev-admin-key").list_project_keys() == ["SYNTH_00001", "SYNTH_00002"]
        refused = _cli("seed", "--url", urls["dev"], "--api-key", "wrong-key", "--sample")
        assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
        assert refused.stderr.startswith(f"error: {urls['dev']} refused the API key")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "DSS emulator stopped"


def test_serve_single_instance_from_flags(tmp_path):
    proc = _serve("--port", "0", "--admin-key", "single-admin-key", "--data-dir", str(tmp_path), "--name", "solo")
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("solo (design) ready at http://127.0.0.1:")
        assert DSSClient(line.split(" ready at ")[1], "single-admin-key").list_projects() == []
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert (tmp_path / "solo" / "keys.json").parent.is_dir()


def test_serve_without_config_or_port_explains_what_is_needed():
    result = _cli("serve")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: serve: give --config FILE, or --port and --admin-key for one instance"
