"""``python -m dss_deploy plugin``: the plugin mode's flags, settings and exit statuses (those of project mode).

Keys come only from the environment: ``DSS_AUTOMATION_API_KEY`` (the target node) and, in release mode,
``DSS_STAGING_AUTOMATION_API_KEY`` (read-only use: the staging node's record that this content passed there).
"""
from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import plugin_pipeline
from .cli import ExitStatus, run_reported, sigterm_unwinds
from .errors import UsageError
from .plugin_archive import PLUGIN_ID_RE
from .report import Reporter
from .settings import (
    GIT_TOKEN_ENV,
    REMOTE_RE,
    SHA_RE,
    STAGES,
    EnvironmentDefault,
    _certificate,
    _choice,
    _match,
    _optional,
    _required,
    _seconds,
    _secret,
    _url,
    _writable_file,
    parse_arguments,
    run_url,
)

MODES = ("test", "release")
STAGING_KEY_ENV = "DSS_STAGING_AUTOMATION_API_KEY"
TEST_FILE_RE = re.compile(r"^(test_.*|.*_test)\.py$")


@dataclass(frozen=True)
class PluginSettings:
    """Everything a plugin run needs. Secret fields never appear in ``repr``."""

    mode: str
    stage: str
    plugin_id: str
    commit_sha: str
    automation_url: str
    staging_url: str | None
    repo_dir: Path
    tests_file: Path | None
    """What pytest runs (relative to ``repo_dir``): ``tests/``, else ``python-lib`` when it holds tests."""
    junit_file: Path
    timeout: int
    tests_timeout: int
    git_remote: str
    insecure_tls: bool
    summary_file: Path | None
    output_file: Path | None
    run_url: str | None
    automation_api_key: str = field(repr=False)
    staging_api_key: str | None = field(default=None, repr=False)
    client_certificate_pem: str | None = field(default=None, repr=False)
    git_token: str | None = field(default=None, repr=False)

    @property
    def tests_identity(self) -> dict[str, str]:
        return {"DATAIKU_PLUGIN_ID": self.plugin_id}

    @property
    def secrets(self) -> list[str]:
        values = [self.automation_api_key, self.staging_api_key, self.git_token, self.client_certificate_pem]
        return [v for v in values if v]

    @classmethod
    def from_args(cls, args: argparse.Namespace, environ: Mapping[str, str]) -> PluginSettings:
        """Validate the parsed flags and the environment; raise :class:`UsageError` naming the bad field."""
        mode = _choice(args, "mode", MODES, "DSS_MODE")
        repo_dir = Path(_required(args, "repo_dir", "DSS_REPO_DIR")).resolve()
        if not repo_dir.is_dir():
            raise UsageError(f"Invalid --repo-dir {str(repo_dir)!r}: not a directory")
        staging_url = _optional(args.staging_url)
        if mode == "release" and staging_url is None:
            raise UsageError("--staging-url is required in release mode (or set DSS_STAGING_AUTOMATION_URL): the "
                             "release installs only content that passed its tests there")
        summary, output = _optional(args.summary_file), _optional(args.output_file)
        return cls(
            mode=mode,
            stage=_choice(args, "stage", STAGES, "DSS_STAGE"),
            plugin_id=_match("--plugin-id", _required(args, "plugin_id", "DSS_PLUGIN_ID"), PLUGIN_ID_RE,
                             "a DSS plugin id (lowercase letters, digits, '-' and '_')"),
            commit_sha=_match("--commit-sha", _required(args, "commit_sha", "DSS_COMMIT_SHA"), SHA_RE,
                              "a full 40-character lowercase hex commit SHA"),
            automation_url=_url("--automation-url", _required(args, "automation_url", "DSS_AUTOMATION_URL")),
            staging_url=_url("--staging-url", staging_url) if mode == "release" else None,
            repo_dir=repo_dir,
            tests_file=_tests_path(repo_dir, _optional(args.tests_path)),
            junit_file=_writable_file("--junit-file", Path(_required(args, "junit_file", "DSS_JUNIT_FILE"))),
            timeout=_seconds("--timeout", args.timeout),
            tests_timeout=_seconds("--tests-timeout", args.tests_timeout),
            git_remote=_match("--git-remote", _required(args, "git_remote", "DSS_GIT_REMOTE"), REMOTE_RE,
                              "a git remote name"),
            insecure_tls=bool(args.insecure_tls),
            summary_file=Path(summary) if summary else None,
            output_file=Path(output) if output else None,
            run_url=run_url(environ),
            automation_api_key=_secret(environ, "DSS_AUTOMATION_API_KEY", "automation-api-key"),
            staging_api_key=_secret(environ, STAGING_KEY_ENV, "staging-api-key") if mode == "release" else None,
            client_certificate_pem=_certificate(environ),
            git_token=_optional(environ.get(GIT_TOKEN_ENV)),
        )


def _tests_path(repo_dir: Path, given: str | None) -> Path | None:
    """``--tests-path`` if given (it must exist), else ``tests/``, else ``python-lib`` when it holds test files."""
    if given is not None:
        path = Path(given)
        if path.is_absolute() or ".." in path.parts or not (repo_dir / path).exists():
            raise UsageError(f"Invalid --tests-path {given!r}: give an existing path inside --repo-dir")
        return path
    if (repo_dir / "tests").is_dir():
        return Path("tests")
    lib = repo_dir / "python-lib"
    if lib.is_dir() and any(TEST_FILE_RE.match(p.name) for p in lib.rglob("*.py")):
        return Path("python-lib")
    return None


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dss_deploy plugin",
        description="Install a DSS plugin, built from the commit under test, on an automation node and run the "
                    "repository's tests against it; release installs on prod only content that passed on staging "
                    "and reinstalls the previous release when the prod tests fail. Keys come from "
                    f"DSS_AUTOMATION_API_KEY and {STAGING_KEY_ENV} only.",
        epilog="Exit statuses: " + ", ".join(f"{s.value} {s.name.lower()}" for s in ExitStatus))

    def flag(name: str, env: str, help: str, default: str | None = None) -> None:
        parser.add_argument(name, action=EnvironmentDefault, env=env, environ=environ, default=default, help=help)

    flag("--mode", "DSS_MODE", "test (pull request, staging) or release (push to prod)")
    flag("--stage", "DSS_STAGE", "staging or prod")
    flag("--plugin-id", "DSS_PLUGIN_ID", "the plugin's id (plugin.json must carry it)")
    flag("--commit-sha", "DSS_COMMIT_SHA", "full SHA of the commit under test (checked out in --repo-dir)")
    flag("--automation-url", "DSS_AUTOMATION_URL", "URL of the stage's automation node")
    flag("--staging-url", "DSS_STAGING_AUTOMATION_URL", "release mode: the staging automation node, where the "
         "content must have passed its tests")
    flag("--repo-dir", "DSS_REPO_DIR", "git checkout of the plugin repository", default=".")
    flag("--tests-path", "DSS_TESTS_PATH", "what pytest runs (default: tests/, else python-lib when it has tests)")
    flag("--junit-file", "DSS_JUNIT_FILE", "where pytest writes its JUnit XML report", default="dss-test-results.xml")
    flag("--timeout", "DSS_DEPLOY_TIMEOUT", "seconds to wait for an install, update or code env", default="1800")
    flag("--tests-timeout", "DSS_TESTS_TIMEOUT", "seconds before the tests are stopped", default="3600")
    flag("--git-remote", "DSS_GIT_REMOTE", "remote of --repo-dir", default="origin")
    flag("--summary-file", "GITHUB_STEP_SUMMARY", "markdown summary file to append to")
    flag("--output-file", "GITHUB_OUTPUT", "step outputs file to append to")
    parser.add_argument("--insecure-tls", action="store_true",
                        help="do not verify TLS certificates (never in production)")
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the plugin mode; answer the exit status."""
    environ = os.environ if environ is None else environ
    args = parse_arguments(build_parser(environ), argv)
    if isinstance(args, int):
        return args
    reporter = Reporter(annotate=environ.get("GITHUB_ACTIONS") == "true")
    try:
        settings = PluginSettings.from_args(args, environ)
    except UsageError as exc:
        reporter.fail(str(exc), exc.title)
        return ExitStatus.USAGE
    reporter.add_secrets(settings.secrets)
    reporter.step(f"dss-deploy plugin {settings.mode} of {settings.plugin_id} on {settings.stage} "
                  f"({settings.automation_url})")
    summary = plugin_pipeline.PluginSummary(settings.plugin_id, settings.mode, settings.stage, settings.commit_sha,
                                            settings.automation_url, run_url=settings.run_url)
    with sigterm_unwinds():
        status = _run(settings, reporter, summary, environ)
        reporter.write_step_summary(summary, settings.summary_file)
        reporter.write_outputs(summary, settings.output_file)
    if status == ExitStatus.OK:
        reporter.ok(f"{summary.outcome}: plugin {settings.plugin_id} {summary.version} on {settings.stage}")
    else:
        reporter.info(f"exit status {int(status)} ({status.name.lower()})")
    return int(status)


def _run(settings: PluginSettings, reporter: Reporter, summary, environ: Mapping[str, str]) -> ExitStatus:
    return run_reported(lambda certificate: plugin_pipeline.run(settings, reporter, summary, certificate, environ),
                        settings, reporter, summary, environ,
                        lambda _: "; the next run builds and installs the plugin again")
