"""What the run tells people: progress lines, GitHub annotations, the step summary table and the step outputs.

Everything printed or written goes through :meth:`Reporter.redact`, which blanks every secret value the settings
hold (API keys, the git token, the certificate), whatever code produced the text.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape as xml_escape

REDACTED = "***"
FRAGMENT = re.compile(r"[A-Za-z0-9_-]{8,}")  # a run of key characters long enough to be part of a key


@dataclass(frozen=True)
class TestCounts:
    """Totals read from the JUnit report."""

    __test__ = False  # not a pytest class
    total: int
    failures: int
    errors: int
    skipped: int

    @property
    def passed(self) -> int:
        return self.total - self.failures - self.errors - self.skipped

    def describe(self) -> str:
        return f"{self.passed} passed, {self.failures + self.errors} failed, {self.skipped} skipped"


@dataclass
class RunSummary:
    """Facts gathered while the run goes; rendered as the step summary and the step outputs."""

    project_key: str
    mode: str
    stage: str
    commit_sha: str
    infra_id: str
    run_url: str | None = None
    content_tree: str | None = None
    bundle_id: str | None = None
    bundle_source: str | None = None  # how the bundle was obtained: reused, exported, published …
    deployment_id: str | None = None
    previous_bundle: str | None = None
    health: str | None = None
    tests: TestCounts | None = None
    tests_result: str | None = None  # passed / failed (exit status n) / not run
    rollback: str | None = None
    outcome: str = "not finished"
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        code = code_span
        tests = self.tests_result or "not run"
        if self.tests is not None:
            tests = f"{tests}: {self.tests.describe()}"
        return [
            ("Project", code(self.project_key)),
            ("Mode / stage", f"{self.mode} / {self.stage}"),
            ("Commit", code(self.commit_sha)),
            ("Content tree", code(self.content_tree)),
            ("Bundle", code(self.bundle_id) + (f" ({self.bundle_source})" if self.bundle_source else "")),
            ("Deployment", code(self.deployment_id) + f" on infra {code(self.infra_id)}"),
            ("Previous bundle", code(self.previous_bundle) if self.previous_bundle else "none"),
            ("Health", self.health or "unknown"),
            ("Tests", tests),
            ("Rollback", self.rollback or "not needed"),
        ]

    def outputs(self) -> dict[str, str]:
        return {"bundle-id": self.bundle_id or "", "deployment-id": self.deployment_id or "",
                "previous-bundle-id": self.previous_bundle or "", "health": self.health or "",
                "outcome": self.outcome}


def code_span(value: str | None) -> str:
    """``value`` as markdown code, or a dash when there is none."""
    return f"`{value}`" if value else "–"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Reporter:
    """Progress lines on ``stream`` (flushed at once, so CI logs stream), annotations when in GitHub Actions."""

    def __init__(self, secrets: list[str] | None = None, stream: TextIO | None = None, annotate: bool = False):
        self.stream = stream or sys.stdout
        self.annotate = annotate
        self._secrets: list[str] = []
        self._keys: list[str] = []  # single-line secrets: parts of them are blanked too
        self.add_secrets(secrets or [])

    def add_secrets(self, secrets: list[str]) -> None:
        """Blank these values (and each long line of multi-line ones, e.g. PEM bodies) from all output."""
        for secret in secrets:
            parts = [secret] + [line.strip() for line in secret.splitlines() if len(line.strip()) >= 16]
            parts += [xml_escape(part, {'"': "&quot;"}) for part in parts]  # as written in a JUnit report
            self._secrets.extend(p for p in parts if p and p not in self._secrets)
            if "\n" not in secret.strip():
                self._keys.append(secret)
        self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` without any secret, nor any 8+ character piece of a key (e.g. pytest's shortened reprs)."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        if self._keys:
            text = FRAGMENT.sub(lambda m: REDACTED if any(m.group() in key for key in self._keys) else m.group(),
                                text)
        return text

    def _print(self, text: str) -> None:
        print(self.redact(text), file=self.stream, flush=True)

    def step(self, title: str) -> None:
        self._print(f"==> {title}")

    def ok(self, message: str) -> None:
        self._print(f"  ✓ {message}")

    def info(self, message: str) -> None:
        self._print(f"    {message}")

    def output_line(self, line: str) -> None:
        """One line of a subprocess's output, as it arrives."""
        self._print(f"    │ {line.rstrip()}")

    def warn(self, message: str, title: str = "Warning") -> None:
        self._print(f"  ! {message}")
        self._annotation("warning", title, message)

    def fail(self, message: str, title: str = "Error") -> None:
        self._print(f"✗ {message}")
        self._annotation("error", title, message)

    def _annotation(self, level: str, title: str, message: str) -> None:
        if self.annotate:
            def escape(text: str) -> str:
                return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            title = escape(title).replace(":", "%3A").replace(",", "%2C")
            self._print(f"::{level} title={title}::{escape(message)}")

    # --- files ------------------------------------------------------------------------------------------------
    def write_step_summary(self, summary: RunSummary, path: Path | None) -> None:
        """Append the run's markdown summary (a table) to ``path`` (``$GITHUB_STEP_SUMMARY``)."""
        if path is None:
            return
        icon = "✅" if summary.error is None else "❌"
        lines = [f"### {icon} DSS {summary.mode} on {summary.stage}: {summary.outcome}", "",
                 "| | |", "|---|---|"]
        lines += [f"| {name} | {_cell(value)} |" for name, value in summary.rows()]
        if summary.run_url:
            lines.append(f"| Run | {summary.run_url} |")
        lines.append("")
        lines += [f"> {_cell(note)}" for note in summary.notes]
        if summary.error:
            lines += ["", "```text", summary.error, "```"]
        self._append(path, "\n".join(lines) + "\n", "step summary (--summary-file)")

    def write_outputs(self, summary: RunSummary, path: Path | None) -> None:
        """Append ``name=value`` step outputs to ``path`` (``$GITHUB_OUTPUT``)."""
        if path is None:
            return
        text = "".join(f"{name}={_cell(value)}\n" for name, value in summary.outputs().items())
        self._append(path, text, "step outputs (--output-file)")

    def _append(self, path: Path, text: str, what: str) -> None:
        """Append redacted ``text``; a file that cannot be written is a warning, never a failed run."""
        try:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(self.redact(text))
        except OSError as exc:
            self.warn(f"Could not write the {what} to {path}: {exc.strerror or exc}", "Report not written")

    def redact_file(self, path: Path) -> None:
        """Blank every secret in a file another process wrote (the JUnit report); a missing file is fine."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            redacted = self.redact(text)
            if redacted != text:
                path.write_text(redacted, encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            self.warn(f"Could not redact {path}: {exc.strerror or exc}; delete it before publishing it",
                      "Report not redacted")
