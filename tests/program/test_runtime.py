"""A lean, packaged runtime: the program's package holds the program only, requirements.txt is all it needs and all the
reconcile job installs, pyproject.toml declares the packages, and no module patches sys.path."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = [ROOT / "components", ROOT / "__main__.py"]
OFFLINE_PLAN = [ROOT / "gitops_plan"]
NOT_THE_PROGRAM = {"gitops_plan", "dss_emulator", "dss_deploy", "demo", "bench", "tests"}
EMULATOR_OR_DEV = {"starlette", "uvicorn", "pandas", "python-multipart", "pytest", "cryptography", "ruff", "jsonschema"}


def _files(paths: list[Path]) -> list[Path]:
    return [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.py")))]


def _is_command_block(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``: runs only as a command, never when the program imports the module."""
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def _nodes(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        if not _is_command_block(node):
            yield node
            yield from _nodes(node)


def _imports(paths: list[Path]) -> set[str]:
    """Absolute module names the files under ``paths`` import when imported themselves (``from a import b`` gives
    a and a.b; a ``__main__`` block is not counted)."""
    found = set()
    for file in _files(paths):
        for node in _nodes(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _distribution_names(path: Path) -> set[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {Requirement(line).name.lower() for line in lines if line and not line.startswith("-")}


def _closure(names: set[str]) -> set[str]:
    """``names`` with every distribution they require (installed metadata, extras ignored)."""
    seen: set[str] = set()
    pending = set(names)
    while pending:
        name = pending.pop()
        seen.add(name)
        try:
            needs = [Requirement(r) for r in requires(name) or []]
        except PackageNotFoundError:
            continue
        pending |= {r.name.lower().replace("_", "-") for r in needs if r.marker is None} - seen
    return seen


def test_the_program_package_holds_neither_the_plan_harness_nor_the_emulator_deploy_or_demo():
    imported = {name.split(".")[0] for name in _imports(PROGRAM)}
    assert not imported & NOT_THE_PROGRAM
    sdk_internals = {"pulumi.runtime.mocks", "pulumi.runtime.rpc", "pulumi.runtime.stack", "pulumi.runtime.settings",
                     "pulumi.runtime.sync_await"}  # what mocks over the SDK use
    assert not _imports(PROGRAM) & sdk_internals
    assert not (ROOT / "components" / "mocks.py").exists()


def test_requirements_txt_is_what_the_program_and_its_offline_plan_import_and_nothing_more():
    runtime = _distribution_names(ROOT / "requirements.txt")
    assert not runtime & EMULATOR_OR_DEV
    available = {d.lower().replace("_", "-") for d in _closure(runtime)}
    providers = packages_distributions()
    for module in sorted(_imports(PROGRAM + OFFLINE_PLAN)):
        top = module.split(".")[0]
        if top in ("components", "gitops_plan") or top in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in providers.get(top, [])}
        assert dists & available, f"{module} comes from {dists or 'nothing installed'}, not from requirements.txt"


def test_the_reconcile_and_preview_jobs_install_only_the_program_runtime():
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        document = yaml.safe_load(workflow.read_text())
        scripts = [step.get("run", "") for job in document["jobs"].values() for step in job.get("steps", [])]
        if not any("pulumi " in s for s in scripts):
            continue
        installs = [line for s in scripts for line in s.splitlines() if "pip install" in line]
        assert installs, workflow.name
        for line in installs:
            assert re.findall(r"-r\s+(\S+)", line) == ["requirements.txt"], f"{workflow.name}: {line}"


def test_pyproject_declares_the_packages_and_pytest_imports_them_without_installing():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = project["tool"]["setuptools"]["packages"]["find"]
    packages = {p.parent.name for where in found["where"] for p in (ROOT / where).glob("*/*.py")
                if p.parent.name != "tests" and not p.parent.name.startswith(".")}
    assert packages == {"components", "gitops_plan", "dss_emulator", "dss_deploy", "demo", "bench"}
    assert {f"{p}*" for p in packages} == set(found["include"])
    assert project["project"]["dynamic"] == ["dependencies", "optional-dependencies"]
    assert project["tool"]["pytest"]["ini_options"]["pythonpath"] == found["where"]


def test_no_module_patches_sys_path():
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    patched = []
    for name in tracked:
        if not (ROOT / name).exists():
            continue
        for node in ast.walk(ast.parse((ROOT / name).read_text())):
            if (isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name)
                    and node.value.id == "sys"):
                patched.append(f"{name}:{node.lineno}")
    assert patched == []


def test_the_offline_plan_is_a_command_of_its_own_package():
    result = subprocess.run([sys.executable, "-m", "gitops_plan", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m gitops_plan")
