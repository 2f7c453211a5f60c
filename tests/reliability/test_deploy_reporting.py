"""Reporting never fails a good run, a SIGTERM still writes the summary and outputs and removes the certificate,
and a hanging tests.py is killed with every process it started."""
from __future__ import annotations

import signal
import time
from pathlib import Path

from dss_deploy.cli import ExitStatus

from ..deploy.helpers import make_world
from .deploy_world import PEM, Spawned

HANGING_TESTS_PY = '''
import subprocess
import sys
import time
from pathlib import Path


def test_hangs_with_a_child_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    Path("child.pid.tmp").write_text(str(child.pid))
    Path("child.pid.tmp").rename("child.pid")
    time.sleep(300)
'''


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def dies(pid: int, seconds: float = 10) -> bool:
    """True once the process is gone (a killed process needs to be scheduled once to exit)."""
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def wait_for_file(path: Path, seconds: float = 60) -> Path:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path


def test_unwritable_summary_and_output_files_warn_and_the_run_passes(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    (tmp_path / "a-file").write_text("not a directory")
    summary = tmp_path / "a-file" / "summary.md"
    env = world.environ("staging", GITHUB_OUTPUT="/dev/full")  # every write fails (ENOSPC), even as root

    status = world.run(capsys, "test", "staging", world.dss_head(), "--summary-file", str(summary), env=env)
    assert status == ExitStatus.OK, world.output
    assert f"! Could not write the step summary (--summary-file) to {summary}: Not a directory" in world.output
    assert "! Could not write the step outputs (--output-file) to /dev/full: No space left on device" in world.output
    assert "Traceback" not in world.output and "✓ deployed and tested" in world.output


def test_sigterm_writes_summary_and_outputs_removes_the_certificate_and_stops_tests(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py=HANGING_TESTS_PY)
    runner_temp, outputs = tmp_path / "runner-temp", tmp_path / "github-output"
    runner_temp.mkdir()
    env = world.environ("staging", DSS_CLIENT_CERTIFICATE=PEM, RUNNER_TEMP=str(runner_temp),
                        GITHUB_OUTPUT=str(outputs))

    run = Spawned(world, "test", "staging", world.dss_head(), env=env)
    child = int(wait_for_file(world.checkout / "child.pid").read_text())
    assert len(list(runner_temp.iterdir())) == 1  # the certificate file, while the run needs it
    run.process.send_signal(signal.SIGTERM)

    assert run.finish() == ExitStatus.TERMINATED, run.output
    assert list(runner_temp.iterdir()) == []
    assert "### ❌ DSS test on staging: terminated" in run.summary()
    assert "terminated by a signal after deployment CHURN-on-staging was set to bundle" in run.summary()
    assert "outcome=terminated\n" in outputs.read_text() and "bundle-id=b-" in outputs.read_text()
    assert dies(child)


def test_a_hanging_tests_py_is_killed_with_its_children_at_the_tests_timeout(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py=HANGING_TESTS_PY)

    status = world.run(capsys, "test", "staging", world.dss_head(), "--tests-timeout", "2")
    assert status == ExitStatus.TESTS_FAILED, world.output
    assert "tests.py stopped after 2 s (--tests-timeout): its process group was killed" in world.output
    assert "| Tests | stopped (timeout) |" in world.summary()
    assert dies(int((world.checkout / "child.pid").read_text()))
