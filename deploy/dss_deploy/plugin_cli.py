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
from .arguments import (
    EnvironmentDefault,
    http_url,
    matching,
    optional,
    required,
    secret,
    writable_file,
)
from .cli import ExitStatus, load_settings, run_command
from .errors import UsageError
from .plugin_archive import PLUGIN_ID_RE
from .settings import RunSettings

MODES = ("test", "release")
STAGING_KEY_ENV = "DSS_STAGING_AUTOMATION_API_KEY"
TEST_FILE_RE = re.compile(r"^(test_.*|.*_test)\.py$")


@dataclass(frozen=True, kw_only=True)
class PluginSettings(RunSettings):
    """Everything a plugin run needs."""

    plugin_id: str
    staging_url: str | None
    tests_file: Path | None
    """What pytest runs (relative to ``repo_dir``): ``tests/``, else ``python-lib`` when it holds tests."""
    archive_file: Path | None = None
    """Where the archive installed on the node is written (the GitHub release asset), if anywhere."""
    staging_api_key: str | None = field(default=None, repr=False)

    @property
    def tests_identity(self) -> dict[str, str]:
        """What the tests are told they test, besides the node's URL and key."""
        return {"DATAIKU_PLUGIN_ID": self.plugin_id}

    def extra_secrets(self) -> list[str | None]:
        return [self.staging_api_key]

    @classmethod
    def from_args(cls, args: argparse.Namespace, environ: Mapping[str, str]) -> PluginSettings:
        """Validate the parsed flags and the environment; raise :class:`UsageError` naming the bad field."""
        shared = cls.shared_fields(args, environ, MODES)
        release = shared["mode"] == "release"
        staging_url = optional(args.staging_url)
        if release and staging_url is None:
            raise UsageError("--staging-url is required in release mode (or set DSS_STAGING_AUTOMATION_URL): the "
                             "release installs only content that passed its tests there")
        return cls(
            **shared,
            plugin_id=matching("--plugin-id", required(args, "plugin_id", "DSS_PLUGIN_ID"), PLUGIN_ID_RE,
                               "a DSS plugin id (lowercase letters, digits, '-' and '_')"),
            staging_url=http_url("--staging-url", staging_url) if release else None,
            tests_file=_tests_path(shared["repo_dir"], optional(args.tests_path)),
            archive_file=writable_file("--archive-file", Path(archive)) if (archive := optional(args.archive_file))
            else None,
            staging_api_key=secret(environ, STAGING_KEY_ENV, "staging-api-key") if release else None,
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
    flag("--archive-file", "DSS_PLUGIN_ARCHIVE_FILE", "write the archive built from the content tree (the one "
         "installed) to this file, e.g. to publish it as the release asset")
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
    loaded = load_settings(build_parser(environ), PluginSettings, argv, environ)
    if isinstance(loaded, int):
        return loaded
    settings, reporter = loaded
    reporter.step(f"dss-deploy plugin {settings.mode} of {settings.plugin_id} on {settings.stage} "
                  f"({settings.automation_url})")
    summary = plugin_pipeline.PluginSummary(settings.plugin_id, settings.mode, settings.stage, settings.commit_sha,
                                            settings.automation_url, run_url=settings.run_url)
    return run_command(lambda tls: plugin_pipeline.run(settings, reporter, summary, tls, environ),
                       settings, reporter, summary, environ,
                       lambda _: "; the next run builds and installs the plugin again",
                       lambda: f"{summary.outcome}: plugin {settings.plugin_id} {summary.version} on {settings.stage}")
