"""Command line: parse flags and environment into ``Settings``, run, map the outcome to an exit status."""
from __future__ import annotations

import argparse
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import IntEnum
from typing import TypeVar

from . import pipeline
from .arguments import parse_arguments
from .errors import (
    BundleRejected,
    DeployError,
    DeployFailed,
    OutOfSync,
    RollbackFailed,
    Superseded,
    TestsFailed,
    TestsFailedRolledBack,
    UsageError,
)
from .report import Reporter, RunSummary
from .settings import RunSettings, Settings, register_arguments
from .transport import Tls, tls_files

S = TypeVar("S", bound=RunSettings)


class ExitStatus(IntEnum):
    """Exit statuses; each failure family has its own so a workflow (or a person) can tell them apart."""

    OK = 0
    ERROR = 1  # an unexpected failure: a DSS call or git command failed where no step expected it, or a bug
    USAGE = 2  # bad or missing flag, environment variable or checkout (argparse uses 2 too)
    OUT_OF_SYNC = 3  # DSS does not hold exactly the commit under test; nothing was deployed
    BUNDLE_REJECTED = 4  # the bundle is missing, untested (release) or exported from other content
    DEPLOY_FAILED = 5  # the deployment update failed, timed out or left the deployment unhealthy
    TESTS_FAILED = 6  # tests.py failed; the bundle stays deployed (staging, manual modes, no earlier bundle)
    TESTS_FAILED_ROLLED_BACK = 7  # tests.py failed in a release; the previous bundle is deployed again
    ROLLBACK_FAILED = 8  # a release failed and the rollback failed too: production needs attention
    SUPERSEDED = 9  # another run changed the deployment meanwhile; this run's bundle is not the one left active
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM (a cancelled workflow run)


# Most specific first: the first family an error belongs to decides.
_STATUS_BY_ERROR: tuple[tuple[type[DeployError], ExitStatus], ...] = (
    (UsageError, ExitStatus.USAGE),
    (OutOfSync, ExitStatus.OUT_OF_SYNC),
    (BundleRejected, ExitStatus.BUNDLE_REJECTED),
    (DeployFailed, ExitStatus.DEPLOY_FAILED),
    (TestsFailedRolledBack, ExitStatus.TESTS_FAILED_ROLLED_BACK),
    (TestsFailed, ExitStatus.TESTS_FAILED),
    (RollbackFailed, ExitStatus.ROLLBACK_FAILED),
    (Superseded, ExitStatus.SUPERSEDED),
)


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, so the summary, the outputs and the certificate cleanup still happen."""


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the unwinding (and the reports) must not be cut
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_status_for(error: DeployError) -> ExitStatus:
    return next((status for family, status in _STATUS_BY_ERROR if isinstance(error, family)), ExitStatus.ERROR)


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dss_deploy",
        description="Deploy a DSS project's bundle through the Project Deployer and run the repository's tests.py "
                    "against it. API keys come from DSS_DESIGN_API_KEY and DSS_AUTOMATION_API_KEY only; an mTLS "
                    "client certificate (PEM content) from DSS_CLIENT_CERTIFICATE.",
        epilog="Exit statuses: " + ", ".join(f"{s.value} {s.name.lower()}" for s in ExitStatus),
    )
    register_arguments(parser, environ)
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the deploy script; answer the exit status."""
    environ = os.environ if environ is None else environ
    loaded = load_settings(build_parser(environ), Settings, argv, environ)
    if isinstance(loaded, int):
        return loaded
    settings, reporter = loaded
    reporter.step(f"dss-deploy {settings.mode} of project {settings.project_key} on {settings.stage} "
                  f"(infra {settings.infra_id})")
    summary = RunSummary(settings.project_key, settings.mode, settings.stage, settings.commit_sha,
                         settings.infra_id, run_url=settings.run_url)
    return run_command(lambda tls: pipeline.run(settings, reporter, summary, tls, environ),
                       settings, reporter, summary, environ, _interrupted_state,
                       lambda: f"{summary.outcome}: bundle {summary.bundle_id} on {settings.stage} "
                               f"(deployment {summary.deployment_id}, {summary.health})")


def load_settings(parser: argparse.ArgumentParser, settings_type: type[S], argv: Sequence[str] | None,
                  environ: Mapping[str, str]) -> tuple[S, Reporter] | int:
    """Parse and validate the flags; answer the settings and a reporter that redacts their secrets, or the exit
    status when argparse answered (help, usage error) or a field is invalid (printed, naming it)."""
    args = parse_arguments(parser, argv)
    if isinstance(args, int):
        return args
    reporter = Reporter(annotate=environ.get("GITHUB_ACTIONS") == "true")
    try:
        settings = settings_type.from_args(args, environ)
    except UsageError as exc:
        reporter.fail(str(exc), exc.title)
        return ExitStatus.USAGE
    reporter.add_secrets(settings.secrets)
    return settings, reporter


def run_command(work: Callable[[Tls], None], settings: RunSettings, reporter: Reporter, summary,
                environ: Mapping[str, str], interrupted_state: Callable[[object], str],
                ok_line: Callable[[], str]) -> int:
    """Run ``work`` (see :func:`run_reported`) with SIGTERM unwinding, then write the step summary and outputs and
    print the last line: ``ok_line()`` on success, else the exit status (project and plugin modes share this)."""
    with sigterm_unwinds():
        status = run_reported(work, settings, reporter, summary, environ, interrupted_state)
        reporter.write_step_summary(summary, settings.summary_file)
        reporter.write_outputs(summary, settings.output_file)
    if status == ExitStatus.OK:
        reporter.ok(ok_line())
    else:
        reporter.info(f"exit status {int(status)} ({status.name.lower()})")
    return int(status)


def run_reported(work: Callable[[Tls], None], settings, reporter: Reporter, summary,
                 environ: Mapping[str, str], interrupted_state: Callable[[object], str]) -> ExitStatus:
    """Run ``work(tls)`` (the TLS files exist during the call); every way it can end becomes an exit status,
    ``summary.outcome`` and ``summary.error`` (project and plugin modes share this)."""
    try:
        with tls_files(settings, environ) as tls:
            work(tls)
    except DeployError as exc:
        summary.outcome, summary.error = exc.title.lower(), str(exc)
        reporter.fail(str(exc), exc.title)
        return exit_status_for(exc)
    except (KeyboardInterrupt, Terminated) as exc:
        status = ExitStatus.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else ExitStatus.TERMINATED
        summary.outcome = "interrupted" if status == ExitStatus.INTERRUPTED else "terminated"
        summary.error = f"{summary.outcome} by a signal" + interrupted_state(summary)
        reporter.fail(summary.error, summary.outcome.title())
        return status
    except Exception as exc:  # a bug: keep the traceback, redacted like everything else
        summary.outcome, summary.error = "internal error", f"{type(exc).__name__}: {exc}"
        reporter.fail(f"internal error, please report it:\n{traceback.format_exc()}", "Internal error")
        return ExitStatus.ERROR
    return ExitStatus.OK


def _interrupted_state(summary: RunSummary) -> str:
    """What an interrupted run leaves behind, so that people know what the next run does."""
    if summary.deployment_id is None:
        return ": nothing was deployed"
    return (f" after deployment {summary.deployment_id} was set to bundle {summary.bundle_id}, before its tests "
            f"passed. Nothing was rolled back now; the next run waits for any update still running, and a release "
            f"run tests its bundle again and rolls back to the last bundle that passed if they fail.")
