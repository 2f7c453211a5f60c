"""Progress lines, redaction, annotations, the step summary and the step outputs."""
from __future__ import annotations

import io

from dss_deploy.cli import ExitStatus, exit_status_for
from dss_deploy.errors import (
    BundleRejected,
    DeployTimeout,
    DssApiError,
    OutOfSync,
    RollbackFailed,
    TestsFailed,
    TestsFailedRolledBack,
)
from dss_deploy.report import Reporter, RunSummary, TestCounts

PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nshort\n-----END PRIVATE KEY-----\n"


def test_every_secret_and_each_long_line_of_a_pem_is_redacted():
    stream = io.StringIO()
    reporter = Reporter(["key-123456", PEM], stream)
    reporter.info("using key-123456 and key-1234567")
    reporter.output_line("leaked MIIEvQIBADANBgkqhkiG9w0BAQEFAASC here\n")
    text = stream.getvalue()
    assert "key-123456" not in text and "MIIEvQ" not in text
    assert text == "    using *** and ***7\n    │ leaked *** here\n"


def test_annotations_only_in_github_actions_and_escaped():
    plain, github = io.StringIO(), io.StringIO()
    Reporter(stream=plain).fail("bad: 100%\nsecond line", "Tests failed, rolled back")
    Reporter(stream=github, annotate=True).fail("bad: 100%\nsecond line", "Tests failed, rolled back")
    assert "::error" not in plain.getvalue()
    assert "::error title=Tests failed%2C rolled back::bad: 100%25%0Asecond line\n" in github.getvalue()


def test_step_summary_table_and_outputs(tmp_path):
    summary = RunSummary("CHURN", "release", "prod", "a" * 40, "prod", run_url="https://github.com/o/r/actions/runs/1",
                         content_tree="b" * 40, bundle_id="b-bbbb", bundle_source="tested on staging, reused",
                         deployment_id="CHURN-on-prod", previous_bundle="b-aaaa", health="HEALTHY",
                         tests=TestCounts(5, 1, 1, 1), tests_result="failed (pytest exit status 1)",
                         rollback="rolled back to `b-aaaa` (HEALTHY)", outcome="tests failed, rolled back",
                         error="2 tests | failed with secret-value")
    reporter = Reporter(["secret-value"], io.StringIO())
    path, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    path.write_text("earlier step\n")
    reporter.write_step_summary(summary, path)
    reporter.write_outputs(summary, outputs)
    text = path.read_text()
    assert text.startswith("earlier step\n### ❌ DSS release on prod: tests failed, rolled back\n")
    for row in ("| Bundle | `b-bbbb` (tested on staging, reused) |", "| Previous bundle | `b-aaaa` |",
                "| Tests | failed (pytest exit status 1): 2 passed, 2 failed, 1 skipped |",
                "| Rollback | rolled back to `b-aaaa` (HEALTHY) |", "| Run | https://github.com/o/r/actions/runs/1 |"):
        assert row in text
    assert "2 tests | failed with ***" in text and "secret-value" not in text
    assert outputs.read_text() == ("bundle-id=b-bbbb\ndeployment-id=CHURN-on-prod\nprevious-bundle-id=b-aaaa\n"
                                   "health=HEALTHY\noutcome=tests failed, rolled back\n")
    reporter.write_step_summary(summary, None)  # outside GitHub Actions: nothing to write, no error


def test_each_failure_family_has_its_own_exit_status():
    errors = [OutOfSync("x"), BundleRejected("x"), DeployTimeout("x"), TestsFailed("x"),
              TestsFailedRolledBack("x"), RollbackFailed("x"), DssApiError("x")]
    statuses = [exit_status_for(e) for e in errors]
    assert statuses == [ExitStatus.OUT_OF_SYNC, ExitStatus.BUNDLE_REJECTED, ExitStatus.DEPLOY_FAILED,
                        ExitStatus.TESTS_FAILED, ExitStatus.TESTS_FAILED_ROLLED_BACK, ExitStatus.ROLLBACK_FAILED,
                        ExitStatus.ERROR]
    assert len({s.value for s in ExitStatus}) == len(ExitStatus)
