"""One emulated DSS node (design or automation) and the backends that hold its state."""
from __future__ import annotations

import shutil
import threading
import traceback
from pathlib import Path

from .bundles.connections import Connections
from .bundles.models import BundlesBackend
from .config import InstanceConfig
from .core.auth import KeyStore
from .core.faults import RouteFaults
from .core.served import ServedRoutes
from .deployer.infras import PeerLookup
from .deployer.models import DeployerBackend
from .futures.models import FuturesBackend
from .jobs.models import JobsBackend
from .objects.datasets import DatasetsBackend
from .objects.models import ObjectsBackend
from .plugins.contents import PluginContents
from .plugins.git import PluginGit
from .plugins.install import PluginInstaller
from .plugins.models import PluginsBackend
from .projectgit.models import ProjectGitBackend
from .projectgit.safety import RemotePolicy
from .projects.models import Project, ProjectsBackend
from .scenarios.definitions import ScenarioDefinitions
from .scenarios.models import ScenarioRunsBackend


class Instance:
    """State of one node, persisted under ``data_dir/<name>``; ``reset()`` empties it."""

    def __init__(self, config: InstanceConfig, data_dir: Path, peer_lookup: PeerLookup | None = None,
                 local_remote_roots: tuple[Path, ...] = ()):
        self.config = config
        self.name = config.name
        self.role = config.role
        self.root = Path(data_dir) / config.name
        self.url: str | None = None  # set by the server once the socket is bound
        self.peer_lookup = peer_lookup  # instance name -> (url, admin key), for infras in the same process
        self.errors: list[str] = []
        self.route_faults = RouteFaults()
        self.served = ServedRoutes()  # open recordings of the routes served; not emptied by reset()
        self.remote_policy = RemotePolicy(local_remote_roots, Path(data_dir))
        self._reset_lock = threading.Lock()
        self._build()

    def _build(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.keys = KeyStore(self.root / "keys.json", self.config.admin_key)
        self.projects = ProjectsBackend(self.root)
        self.futures = FuturesBackend(self.record_error)
        self.connections = Connections(self.root / "connections.json")
        self.plugins = PluginsBackend(self.root)
        self.deployer = DeployerBackend(self.config, self.root, self.peer_lookup, self.futures)
        self.bundles = BundlesBackend(self.config, self.root, self.projects, self.connections, self.plugins,
                                      self.deployer.projects, lambda: self.url)
        self.jobs = JobsBackend(self)
        self.scenarios = ScenarioDefinitions(self.projects)
        self.scenario_runs = ScenarioRunsBackend(self)
        self.datasets = DatasetsBackend(self.projects)
        self.objects = ObjectsBackend(self.projects)
        self.plugin_contents = PluginContents(self.plugins)
        self.plugin_git = PluginGit(self.plugins, self.remote_policy)
        self.plugin_installer = PluginInstaller(self.plugins)
        self.project_git = ProjectGitBackend(self.remote_policy)

    def reset(self) -> None:
        """Forget everything: projects, keys, bundles, deployments, faults, recorded errors."""
        with self._reset_lock:
            shutil.rmtree(self.root, ignore_errors=True)
            self.route_faults.clear()
            self.errors.clear()
            self._build()

    def record_error(self, where: str, exc: BaseException) -> None:
        """Keep an internal error so the pytest plugin can fail the test that caused it."""
        self.errors.append(f"{where}: {''.join(traceback.format_exception(exc))}")

    def project_list_extras(self, project: Project) -> dict:
        """Keys a project list item carries on this node beyond the project's own (e.g. the active bundle)."""
        extras: dict = {}
        extras.update(self.bundles.project_list_extras(project))
        return extras

    def dump_state(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "projects": self.projects.keys(),
            "apiKeys": [k.public_dict() for k in self.keys.list()],
            "routeFaults": self.route_faults.as_list(),
            "errors": list(self.errors),
        }
