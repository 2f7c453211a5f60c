"""Run the repository's tests.py with pytest against the automation node, streaming its output line by line.

The pytest process gets a minimal environment: the automation node's URL and key (never the design node's key,
nor anything else from this process's environment), the deployed project key, the certificate path, and what a
Python process needs to run and reach the network (PATH, HOME, locale, temp dir, CA bundle and proxy variables).
tests.py comes from the repository (from the pull request, on PR runs), so it only gets what it must have.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import TestsCannotRun
from .report import Reporter, TestCounts
from .settings import Settings
from .transport import Tls

PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT",
                  "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
                  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


@dataclass(frozen=True)
class TestRun:
    """pytest's exit status, the JUnit totals (None when pytest wrote no report) and whether it was stopped."""

    __test__ = False  # not a pytest class
    returncode: int
    counts: TestCounts | None
    timed_out: bool

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        if self.timed_out:
            return "stopped (timeout)"
        return "passed" if self.passed else f"failed (pytest exit status {self.returncode})"


def pytest_environment(settings: Settings, tls: Tls, environ: Mapping[str, str]) -> dict[str, str]:
    """The whole environment of the pytest process."""
    env = {name: environ[name] for name in PASSED_THROUGH if environ.get(name)}
    env.update(DATAIKU_INSTANCE_URL=settings.automation_url, DATAIKU_API_KEY=settings.automation_api_key,
               PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", **settings.tests_identity)
    if tls.certificate is not None:
        env["DATAIKU_CLIENT_CERTIFICATE"] = str(tls.certificate)
    if tls.ca_bundle is not None:
        env["REQUESTS_CA_BUNDLE"] = str(tls.ca_bundle)  # DSS_CA_BUNDLE wins over the runner's, as for the script
    if settings.insecure_tls:
        env["DATAIKU_INSECURE_TLS"] = "1"
    return env


def read_junit(path: Path) -> TestCounts | None:
    """Totals of a pytest JUnit report (``<testsuites>`` or a single ``<testsuite>``); None if unreadable."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = {name: sum(int(s.get(name, 0)) for s in suites) for name in ("tests", "failures", "errors", "skipped")}
    return TestCounts(total["tests"], total["failures"], total["errors"], total["skipped"])


def run_tests(settings: Settings, tls: Tls, reporter: Reporter,
              environ: Mapping[str, str]) -> TestRun:
    """Run pytest on ``settings.tests_file`` (a project's tests.py, a plugin's tests/) in the checkout; every output
    line is reported as soon as pytest prints it.

    pytest runs in its own process group: at ``--tests-timeout`` (or when this run is interrupted) the whole group
    is killed, children that tests.py started included. The JUnit report is redacted like every other output.
    """
    tests = settings.tests_file
    try:
        settings.junit_file.parent.mkdir(parents=True, exist_ok=True)
        settings.junit_file.unlink(missing_ok=True)  # never read a previous run's results
    except OSError as exc:
        raise TestsCannotRun(f"{tests} could not run: cannot write the JUnit report {settings.junit_file} "
                             f"({exc.strerror or exc})") from None
    command = [sys.executable, "-m", "pytest", str(settings.tests_file), "-v", "-rfEs", "-p", "no:cacheprovider",
               f"--junitxml={settings.junit_file}", "--rootdir", str(settings.repo_dir)]
    reporter.info(f"$ pytest {settings.tests_file} --junitxml={settings.junit_file}")
    try:
        process = subprocess.Popen(command, cwd=settings.repo_dir,
                                   env=pytest_environment(settings, tls, environ), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                   errors="replace", bufsize=1, start_new_session=True)
    except OSError as exc:
        raise TestsCannotRun(f"{tests} could not run: cannot start pytest ({exc.strerror or exc})") from None
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        _kill_group(process)

    timer = threading.Timer(settings.tests_timeout, stop)
    timer.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            reporter.output_line(line)
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # exited but not reaped: the group id stays ours
    finally:
        timer.cancel()
        _kill_group(process)  # what tests.py left running, or everything when this run is interrupted
        returncode = process.wait()
    if stopped.is_set():
        reporter.info(f"{tests} stopped after {settings.tests_timeout} s (--tests-timeout): its process group "
                      f"was killed")
    reporter.redact_file(settings.junit_file)
    return TestRun(returncode, read_junit(settings.junit_file), stopped.is_set())


def _kill_group(process: subprocess.Popen) -> None:
    """Kill pytest and every process of its group (tests.py's children too); nothing left is fine."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
