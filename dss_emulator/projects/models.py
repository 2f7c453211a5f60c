"""Projects backend: a project is a git work tree; its files are the source of truth."""
from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

from ..core.gitcmd import GitError, git
from ..core.storage import read_json, write_bytes, write_json
from . import layout, recovery
from .exceptions import (
    InvalidObjectName,
    InvalidProjectKey,
    ObjectNotFound,
    ProjectAlreadyExists,
    ProjectNotFound,
)
from .file_shapes import check_file

PROJECT_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,99}$")
DATA_FILE = "data.csv"  # a dataset's rows, in its data dir
# project state read by several areas (``read_state`` / ``write_state`` names)
LOCAL_VARIABLES = "local-variables"
LAST_BUILDS = "last-builds"  # {dataset: {jobId, buildStartTime, ...}}: written by jobs, read by dataset info
OBJECT_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")


def write_file(path: Path, content: str | bytes | dict | list) -> None:
    """Write a project file: JSON values as ``write_json`` formats them, text as UTF-8, bytes as they are."""
    if isinstance(content, bytes):
        write_bytes(path, content)
    elif isinstance(content, str):
        write_bytes(path, content.encode())
    else:
        write_json(path, content)


def check_object_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not OBJECT_NAME_RE.match(name):
        raise InvalidObjectName(kind, name)


class Project:
    """One project: files in its git work tree, plus state DSS keeps outside git (local variables, data)."""

    def __init__(self, key: str, tree: Path, state_dir: Path):
        self.key = key
        self.tree = tree
        self.state_dir = state_dir
        self.lock = threading.RLock()
        self._params: dict | None = None
        self._list_json: tuple[dict, str] | None = None  # (the params it was built from, list_item() as JSON)

    # --- files -------------------------------------------------------------------------------------------
    @property
    def params(self) -> dict:
        if self._params is None:
            self._params = read_json(self.tree / "params.json", {})
        return self._params

    @property
    def commit_mode(self) -> str:
        return self.params.get("settings", {}).get("gitCommitMode", "AUTO")

    def invalidate(self) -> None:
        """Forget cached file contents (after git changed the work tree)."""
        self._params = None

    def read(self, rel: str) -> dict | None:
        return read_json(self.tree / rel)

    def write(self, rel: str, data: dict, message: str, author: str = "admin") -> None:
        """Write a JSON file of the project and commit it in AUTO mode; 400 when it would not have its shape."""
        check_file(rel, data)
        with self.lock:
            write_json(self.tree / rel, data)
            if rel == "params.json":
                self._params = None
            self.auto_commit(message, author)

    def write_text(self, rel: str, text: str, message: str, author: str = "admin") -> None:
        with self.lock:
            write_bytes(self.tree / rel, text.encode())
            self.auto_commit(message, author)

    def read_text(self, rel: str) -> str | None:
        try:
            return (self.tree / rel).read_text()
        except FileNotFoundError:
            return None

    def save_files(self, changes: dict[str, str | bytes | dict | None], message: str, author: str = "admin") -> None:
        """Write (or, for ``None``, delete) several files, then auto-commit them as one change; nothing is written
        when a JSON file would not have its declared shape (400)."""
        for rel, content in changes.items():
            if isinstance(content, (dict, list)):
                check_file(rel, content)
        with self.lock:
            for rel, content in changes.items():
                if content is None:
                    (self.tree / rel).unlink(missing_ok=True)
                else:
                    write_file(self.tree / rel, content)
            if "params.json" in changes:
                self._params = None
            self.auto_commit(message, author)

    def remove(self, rels: list[str], message: str, author: str = "admin") -> None:
        with self.lock:
            for rel in rels:
                (self.tree / rel).unlink(missing_ok=True)
            self.auto_commit(message, author)

    def auto_commit(self, message: str, author: str = "admin") -> None:
        """Commit everything when the project is in DSS's AUTO commit mode; leave it dirty in EXPLICIT."""
        if self.commit_mode == "AUTO":
            self._commit_all(message, author)

    def commit(self, message: str, author: str = "admin") -> str | None:
        """Commit all changes of the work tree; return the new SHA, or None when nothing changed."""
        with self.lock:
            return self.head() if self._commit_all(message, author) else None

    def _commit_all(self, message: str, author: str) -> bool:
        """``git add -A`` + ``git commit`` (two processes: saves are the emulator's hot path); False if no change."""
        with self.lock:
            git(self.tree, "add", "-A", author=author)
            result = git(self.tree, "commit", "-q", "-m", message, author=author, check=False)
            if result.ok:
                return True
            if "nothing to commit" in result.output:
                return False
            raise GitError(("commit", "-q", "-m", message), result)

    def head(self) -> str | None:
        result = git(self.tree, "rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.stdout.strip() or None

    # --- DSS objects (datasets, recipes, scenarios) ------------------------------------------------------
    def object_names(self, kind: str) -> list[str]:
        folder = self.tree / layout.OBJECT_DIRS[kind]
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    def get_object(self, kind: str, name: str) -> dict:
        data = self.read(f"{layout.OBJECT_DIRS[kind]}/{name}.json") if OBJECT_NAME_RE.match(name) else None
        if data is None:
            raise ObjectNotFound(self.key, kind, name)
        return data

    def objects(self, kind: str) -> list[tuple[str, dict]]:
        return [(name, self.get_object(kind, name)) for name in self.object_names(kind)]

    # --- state outside git -------------------------------------------------------------------------------
    def dataset_data_dir(self, dataset: str) -> Path:
        """Where a dataset's data lives (outside git, as in DSS's managed datasets and uploads)."""
        return self.state_dir / "datasets" / dataset

    def dataset_data_file(self, dataset: str) -> Path:
        """The file holding a dataset's rows (CSV with a header line)."""
        return self.dataset_data_dir(dataset) / DATA_FILE

    def read_state(self, name: str, default=None):
        return read_json(self.state_dir / f"{name}.json", default)

    def write_state(self, name: str, data) -> None:
        write_json(self.state_dir / f"{name}.json", data)

    # --- wire shapes ------------------------------------------------------------------------------------
    def list_item_json(self) -> str:
        """:meth:`list_item` serialised, cached until ``params.json`` is re-read (lists of 5,000 projects)."""
        params = self.params
        cached = self._list_json
        if cached is None or cached[0] is not params:
            cached = self._list_json = (params, json.dumps(self.list_item()))
        return cached[1]

    def list_item(self) -> dict:
        p = self.params
        return {
            "projectKey": self.key,
            "name": p.get("name", self.key),
            "shortDesc": p.get("shortDesc", ""),
            "description": p.get("description", ""),
            "tags": list(p.get("tags", [])),
            "ownerLogin": p.get("owner", "admin"),
            "projectStatus": p.get("projectStatus", "Sandbox"),
            "versionTag": p.get("versionTag") or p.get("creationTag"),
            "creationTag": p.get("creationTag"),
            "contributors": [],
            "tutorialProject": False,
        }


class ProjectsBackend:
    """All projects of an instance, found on disk under ``<instance>/projects``."""

    def __init__(self, root: Path):
        """``root``: the instance's data directory (projects, their state and a git template live under it)."""
        self.root = root
        self.trees = root / "projects"
        self.states = root / "project-state"
        self.trees.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._creating: set[str] = set()
        recovery.sweep(self.trees, self.states)
        self._projects: dict[str, Project] = {
            p.name: Project(p.name, p, self.states / p.name)
            for p in sorted(self.trees.iterdir()) if PROJECT_KEY_RE.match(p.name) and (p / ".git").is_dir()
        }

    def list(self) -> list[Project]:
        with self._lock:
            return [self._projects[k] for k in sorted(self._projects)]

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._projects)

    def get(self, key: str) -> Project:
        project = self._projects.get(key)
        if project is None:
            raise ProjectNotFound(key)
        return project

    def exists(self, key: str) -> bool:
        return key in self._projects

    def check_new_key(self, key: object) -> str:
        if not isinstance(key, str) or not PROJECT_KEY_RE.match(key):
            raise InvalidProjectKey(key)
        if key in self._projects or key in self._creating:
            raise ProjectAlreadyExists(key)
        return key

    def create(self, key: str, params: dict, files: dict[str, str | bytes | dict] | None = None,
               author: str = "admin", message: str | None = None) -> Project:
        """Create a project work tree with ``params.json``, the DSS boilerplate and extra ``files``; commit it.

        The key is reserved under the backend lock but git runs outside it, so creations proceed in parallel and
        listing projects never waits for one. The tree is built aside and renamed into place once committed: a
        crash leaves a complete project or a hidden leftover (see :mod:`.recovery`), never a half-created one.
        """
        for rel, content in {"params.json": params, **(files or {})}.items():
            if isinstance(content, (dict, list)):
                check_file(rel, content)
        with self._lock:
            self.check_new_key(key)
            self._creating.add(key)
        building = recovery.aside(self.trees, recovery.CREATING, key)
        try:
            building.mkdir(parents=True)
            shutil.copytree(self._empty_repo(), building / ".git")
            write_json(building / "params.json", params)
            write_bytes(building / ".gitignore", layout.GITIGNORE.encode())
            write_json(building / "lib" / "external-libraries.json", layout.EXTERNAL_LIBRARIES)
            for rel, content in (files or {}).items():
                write_file(building / rel, content)
            git(building, "add", "-A", author=author)
            git(building, "commit", "-q", "-m", message or f"Created project {key}", author=author)
            shutil.rmtree(self.states / key, ignore_errors=True)  # state a crashed deletion may have left
            building.rename(self.trees / key)
            project = Project(key, self.trees / key, self.states / key)
            with self._lock:
                self._projects[key] = project
            return project
        finally:
            shutil.rmtree(building, ignore_errors=True)
            with self._lock:
                self._creating.discard(key)

    def _empty_repo(self) -> Path:
        """A freshly initialised ``.git`` (branch master) to copy: faster than running ``git init`` per project."""
        with self._lock:
            template = self.root / "empty-repo"
            if not (template / ".git" / "HEAD").is_file():
                shutil.rmtree(template, ignore_errors=True)
                template.mkdir(parents=True)
                git(template, "init", "-q", "--template=", "-b", "master")
            return template / ".git"

    def delete(self, key: str) -> None:
        """Forget the project, then remove its files: renamed aside first, so a crash never leaves half of them."""
        with self._lock:
            project = self.get(key)
            del self._projects[key]
            dropped = [recovery.aside(self.trees, recovery.DELETING, key)]
            project.tree.rename(dropped[0])
            if project.state_dir.exists():
                dropped.append(recovery.aside(self.states, recovery.DELETING, key))
                project.state_dir.rename(dropped[1])
        for path in dropped:
            shutil.rmtree(path, ignore_errors=True)
