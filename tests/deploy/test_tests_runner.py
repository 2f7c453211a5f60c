"""tests.py in a pytest subprocess: minimal environment, output streamed as it comes, JUnit totals, timeout."""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from dss_deploy.report import Reporter
from dss_deploy.settings import Settings
from dss_deploy.tests_runner import pytest_environment, read_junit, run_tests
from dss_deploy.transport import Tls


def make_settings(repo: Path, tests: str, **overrides) -> Settings:
    (repo / "tests.py").write_text(tests)
    settings = Settings(mode="test", stage="staging", project_key="CHURN", commit_sha="0" * 40,
                        design_url="https://design", automation_url="https://staging", infra_id="staging",
                        bundle_id=None, repo_dir=repo, tests_file=Path("tests.py"), junit_file=repo / "junit.xml",
                        timeout=60, tests_timeout=60, git_remote="origin", insecure_tls=False,
                        allow_untested_export=False, summary_file=None, output_file=None, run_url=None,
                        design_api_key="design-key-0001", automation_api_key="automation-key-0002")
    return replace(settings, **overrides)


def test_the_environment_holds_the_stage_credentials_and_nothing_else(tmp_path):
    settings = make_settings(tmp_path, "", insecure_tls=True)
    environ = {"PATH": "/usr/bin", "HOME": "/home/runner", "DSS_DESIGN_API_KEY": "design-key-0001",
               "GITHUB_TOKEN": "ghs_x", "AWS_SECRET_ACCESS_KEY": "x", "REQUESTS_CA_BUNDLE": "/etc/ca.pem"}
    env = pytest_environment(settings, Tls(True, None, Path("/tmp/cert.pem")), environ)
    assert env == {"PATH": "/usr/bin", "HOME": "/home/runner", "REQUESTS_CA_BUNDLE": "/etc/ca.pem",
                   "DATAIKU_INSTANCE_URL": "https://staging", "DATAIKU_API_KEY": "automation-key-0002",
                   "DATAIKU_PROJECT_KEY": "CHURN", "DATAIKU_CLIENT_CERTIFICATE": "/tmp/cert.pem",
                   "DATAIKU_INSECURE_TLS": "1", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # DSS_CA_BUNDLE (written to a file by the script) wins over the runner's REQUESTS_CA_BUNDLE, as for the script
    with_ca = pytest_environment(settings, Tls(False, Path("/tmp/dss-ca.pem")), environ)
    assert with_ca["REQUESTS_CA_BUNDLE"] == "/tmp/dss-ca.pem" and "DATAIKU_CLIENT_CERTIFICATE" not in with_ca


class HandshakeReporter(Reporter):
    """Creates ``go`` as soon as the first test's result line arrives; the second test waits for that file."""

    def __init__(self, go: Path):
        super().__init__(stream=io.StringIO())
        self.go = go

    def output_line(self, line: str) -> None:
        super().output_line(line)
        if "test_first PASSED" in line:
            self.go.touch()


def test_output_is_streamed_while_pytest_runs(tmp_path):
    go = tmp_path / "go"
    tests = f"""
import time
from pathlib import Path

def test_first():
    pass

def test_second_sees_that_the_first_line_was_read():
    deadline = time.monotonic() + 60
    while not Path({str(go)!r}).exists():
        assert time.monotonic() < deadline, "the deploy script did not read pytest's output while it ran"
        time.sleep(0.05)
"""
    settings = make_settings(tmp_path, tests)
    reporter = HandshakeReporter(go)
    result = run_tests(settings, Tls(), reporter, {"PATH": "/usr/bin:/bin"})
    assert result.passed, reporter.stream.getvalue()
    assert (result.counts.total, result.counts.passed) == (2, 2)


def test_failures_are_counted_and_a_printed_key_is_redacted(tmp_path):
    tests = """
import os

def test_prints_its_key():
    print("the key is", os.environ["DATAIKU_API_KEY"])
    assert False, os.environ["DATAIKU_API_KEY"]

def test_ok():
    pass
"""
    settings = make_settings(tmp_path, tests)
    reporter = Reporter(settings.secrets, io.StringIO())
    result = run_tests(settings, Tls(), reporter, {"PATH": "/usr/bin:/bin"})
    out = reporter.stream.getvalue()
    assert not result.passed and result.returncode == 1 and result.describe() == "failed (pytest exit status 1)"
    assert (result.counts.failures, result.counts.passed) == (1, 1)
    assert "automation-key-0002" not in out and "the key is ***" in out


def test_tests_that_hang_are_stopped(tmp_path):
    settings = make_settings(tmp_path, "import time\n\ndef test_hangs():\n    time.sleep(120)\n", tests_timeout=1)
    result = run_tests(settings, Tls(), Reporter(stream=io.StringIO()), {"PATH": "/usr/bin:/bin"})
    assert result.timed_out and not result.passed and result.describe() == "stopped (timeout)"


def test_a_missing_or_broken_junit_report_reads_as_none(tmp_path):
    assert read_junit(tmp_path / "absent.xml") is None
    (tmp_path / "broken.xml").write_text("<testsuites><testsuite")
    assert read_junit(tmp_path / "broken.xml") is None
    (tmp_path / "one.xml").write_text('<testsuite tests="3" failures="1" errors="0" skipped="1"/>')
    assert read_junit(tmp_path / "one.xml").describe() == "1 passed, 1 failed, 1 skipped"
