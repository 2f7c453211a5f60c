"""Executing code for jobs and scenario steps: Python in a subprocess with the ``dataiku`` shim, sync in-process.

The subprocess gets a minimal environment (no emulator secrets), a temporary working directory, the shim on its
``PYTHONPATH`` and a context file describing the project. Data it writes is staged and installed here, with the
schema updates, only when the code succeeded.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..objects import shapes
from ..projects.models import LOCAL_VARIABLES, Project
from . import data
from .flow import FlowRecipe

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "runtime"
_PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SYSTEMROOT", "TMPDIR")

Log = Callable[[str], None]


@dataclass
class RunResult:
    """How a run ended: ``error`` is a DSS-like failure message (None on success)."""

    error: str | None = None
    aborted: bool = False
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


class Execution:
    """The subprocess currently running for a job or a scenario step, so it can be aborted."""

    def __init__(self):
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self.cancelled = False

    def attach(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._proc = proc
            if self.cancelled:
                self._kill()

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._kill()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def variables(project: Project) -> dict:
    """Standard project variables overridden by local ones, as DSS resolves them."""
    merged = dict(project.read("variables.json") or {})
    merged.update(project.read_state(LOCAL_VARIABLES, {}) or {})
    return merged


def _context(project: Project, recipe: FlowRecipe | None, work: Path, trigger_params: dict | None) -> dict:
    datasets = {}
    for name, definition in project.objects("datasets"):
        datasets[name] = {"dataPath": str(project.dataset_data_file(name)),
                          "schema": (definition.get("schema") or {}).get("columns") or []}
    return {"projectKey": project.key, "recipe": recipe.name if recipe else None,
            "inputs": list(recipe.inputs) if recipe else None, "outputs": list(recipe.outputs) if recipe else None,
            "datasets": datasets, "variables": variables(project), "triggerParams": trigger_params or {},
            "stagingDir": str(work / "staging"), "resultsPath": str(work / "results.json")}


def _env(project: Project, work: Path, context_path: Path) -> dict:
    env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
    libs = (project.read("lib/external-libraries.json") or {}).get("pythonPath", ["python"])
    env.update({
        "HOME": str(work), "PYTHONPATH": os.pathsep.join([str(RUNTIME_DIR)] + [str(project.tree / "lib" / p)
                                                                                for p in libs]),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1",
        "DKU_CURRENT_PROJECT_KEY": project.key, "DKU_EMULATOR_CONTEXT": str(context_path),
    })
    return env


def _failure(results: dict | None, returncode: int) -> str:
    error = (results or {}).get("error")
    if not error:
        return f"Error in Python process: the process exited with code {returncode}"
    where = f"At line {error['line']}: " if error.get("line") else ""
    if error["clazz"] == "SystemExit":
        return f"Error in Python process: {error['message']}"
    return f"Error in Python process: {where}<class '{error['clazz']}'>: {error['message']}"


def _pump(proc: subprocess.Popen, log: Log) -> None:
    for line in proc.stdout:
        log(line.rstrip("\n"))


def run_python(project: Project, code: str, *, log: Log, execution: Execution, timeout: float,
               name: str = "script", recipe: FlowRecipe | None = None, trigger_params: dict | None = None,
               may_install: Callable[[], bool] = lambda: True, author: str = "admin") -> RunResult:
    """Run ``code`` in a subprocess; on success install what it wrote. Tracebacks show ``source-code/<name>.py``.

    A recipe's code may only use the recipe's declared datasets; other code (scenario steps) may use any.
    """
    with tempfile.TemporaryDirectory(prefix="dss-run-") as tmp:
        work = Path(tmp)
        script = work / "source-code" / f"{re.sub(r'[^A-Za-z0-9_]', '_', name)}.py"
        script.parent.mkdir()
        script.write_text(code)
        context_path = work / "context.json"
        context_path.write_text(json.dumps(_context(project, recipe, work, trigger_params)))
        proc = subprocess.Popen(
            [sys.executable, "-m", "dataiku._bootstrap", str(script)], cwd=work, env=_env(project, work, context_path),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", errors="replace", start_new_session=True)
        execution.attach(proc)
        reader = threading.Thread(target=_pump, args=(proc, log), daemon=True)
        reader.start()
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            execution.cancel()
            proc.wait()
            reader.join(5)
            return RunResult(error=f"Python process timed out after {timeout:g} seconds and was killed")
        reader.join(5)
        if execution.cancelled:
            return RunResult(error="Aborted", aborted=True)
        results_path = work / "results.json"
        results = json.loads(results_path.read_text()) if results_path.is_file() else None
        if returncode != 0 or results is None:
            return RunResult(error=_failure(results, returncode))
        if not may_install():
            return RunResult(error="Aborted: the project changed while the code ran", aborted=True)
        written = apply_results(project, results["written"], work / "staging", author)
        return RunResult(warnings=list(results.get("warnings", [])), written=written)


def apply_results(project: Project, written: dict, staging: Path, author: str) -> list[str]:
    """Save new schemas into dataset definitions (committed in AUTO mode) and install staged data."""
    for name, entry in written.items():
        if entry.get("schema") is not None:
            set_schema(project, name, entry["schema"], author)
        if entry.get("data"):
            data.install(project, name, staging / name / "data.csv")
    return sorted(written)


def set_schema(project: Project, dataset: str, columns: list[dict], author: str) -> bool:
    """Replace a dataset's schema columns as DSS's post-run schema update does; False when unchanged."""
    with project.lock:
        definition = project.get_object("datasets", dataset)
        schema = dict(definition.get("schema") or {})
        old = schema.get("columns") or []
        if [(c.get("name"), c.get("type")) for c in old] == [(c["name"], c["type"]) for c in columns]:
            return False
        previous = {c.get("name"): c for c in old}
        schema["columns"] = [dict(previous.get(c["name"], {}), name=c["name"], type=c["type"]) for c in columns]
        project.write(f"datasets/{dataset}.json", shapes.bump_version(definition, dict(definition, schema=schema),
                                                                      author),
                      f"Updated schema of dataset {project.key}.{dataset} (post-run schema update)", author)
        return True


def run_sync(project: Project, recipe: FlowRecipe, log: Log, author: str = "admin") -> RunResult:
    """A sync recipe: copy the input's data and schema to the output."""
    if len(recipe.inputs) != 1 or len(recipe.outputs) != 1:
        return RunResult(error=f"Sync recipe {recipe.name} needs exactly one input and one output, has "
                               f"{len(recipe.inputs)} input(s) and {len(recipe.outputs)} output(s)")
    source, target = recipe.inputs[0], recipe.outputs[0]
    if "." in source or source not in project.object_names("datasets"):
        return RunResult(error=f"Sync recipe {recipe.name}: input dataset {source} does not exist in project "
                               f"{project.key}")
    if not data.has_data(project, source):
        return RunResult(error=f"Dataset {project.key}.{source} has no data: it was never built or uploaded "
                               f"(root path does not exist)")
    columns = (project.get_object("datasets", source).get("schema") or {}).get("columns") or []
    set_schema(project, target, [{"name": c["name"], "type": c.get("type", "string")} for c in columns], author)
    data.install(project, target, project.dataset_data_file(source))
    log(f"Copied {project.key}.{source} to {project.key}.{target} ({len(columns)} columns)")
    return RunResult(written=[target])
