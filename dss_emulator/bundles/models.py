"""Bundles on a design node: immutable snapshots of a project's committed content, exported, listed, published."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import InstanceConfig
from ..core.clock import now_ms
from ..core.gitcmd import git
from ..core.version import DSS_VERSION
from ..deployer.projects import PublishedProjects
from ..plugins.models import PluginsBackend
from ..projects.models import Project, ProjectsBackend
from .archive import build_archive
from .automation import ImportedBundles
from .common import check_bundle_id
from .connections import Connections
from .exceptions import BundleAlreadyExists, ExportedBundleNotFound, NotADesignNode, NothingToExport
from .records import BundleRecords


def bundle_tag(project_key: str, bundle_id: str) -> str:
    """The git tag DSS creates on the exported commit (name inferred from the archive name, EV-B05)."""
    return f"dss-bundle-{project_key}-{bundle_id}"


def tag_export(tree: Path, project_key: str, bundle_id: str, commit: str, login: str) -> None:
    """Tag ``commit`` as the commit of the bundle (annotated, DSS 12.2+ with the option on, API exports since 12.4.2).

    The tag name and message are inferred (EV-B05); an existing tag of that name (the bundle was deleted and
    exported again) is moved to the new commit (inferred). A bundle id git refuses as a tag name gets no tag.
    """
    name = bundle_tag(project_key, bundle_id)
    if not git(tree, "check-ref-format", f"refs/tags/{name}", check=False).ok:
        return
    git(tree, "tag", "-f", "-a", "-m", f"Created Bundle for project {project_key}: {bundle_id}", name, commit,
        author=login)


class ExportedBundles(BundleRecords):
    """Exported bundles of the design node's projects; archives under ``<node>/bundles/exported``.

    Collaborators: the node's ``config`` (name and role), its ``connections`` (the manifest records their types),
    the Project Deployer's ``published`` projects (publishing adds a bundle there) and ``node_url``, the URL the
    node is served at (known once its socket is bound)."""

    kind, role, state_key = "exported", "design", "bundles-exported"
    wrong_node, not_found = NotADesignNode, ExportedBundleNotFound

    def __init__(self, config: InstanceConfig, root: Path, connections: Connections, published: PublishedProjects,
                 node_url: Callable[[], str | None]):
        super().__init__(config, root)
        self.connections = connections
        self.published = published
        self.node_url = node_url
        self.tag_bundles = True  # DSS's option to tag the commit of each exported bundle (control API: off)

    def archive_path(self, project: Project, bundle_id: str) -> Path:
        self.get(project, bundle_id)
        return self._archive(project, bundle_id)

    def export(self, project: Project, bundle_id: str, login: str, release_notes: str | None,
               evaluate_standards: bool) -> dict:
        """Snapshot HEAD (uncommitted changes are left out) plus the data of the datasets the settings name."""
        self._require_role()
        check_bundle_id(bundle_id)
        with project.lock, self._lock:
            records = self.list(project)
            if any(r["bundleId"] == bundle_id for r in records):
                raise BundleAlreadyExists(project.key, bundle_id)
            commit = project.head()
            if commit is None:
                raise NothingToExport(project.key, bundle_id)
            exported_on = now_ms()
            manifest = {
                "bundleId": bundle_id,
                "originalProjectKey": project.key,
                "exportUserInfo": {"exportedBy": login, "exportedOn": exported_on, "releaseNotes": release_notes},
                "generatedWithDSSVersion": DSS_VERSION,
                "designNodeId": self.config.name,
                "projectStandardsSkipped": not evaluate_standards,
                "usedCodeEnvRefs": [],
                "exportedWithPlugins": [],
            }
            manifest = build_archive(project.tree, commit, self._archive(project, bundle_id),
                                     manifest, project.dataset_data_file, self.connections.type_of)
            if self.tag_bundles:
                tag_export(project.tree, project.key, bundle_id, commit, login)
            record = {"bundleId": bundle_id, "state": "BUILT", "typeBadges": [], "exportManifest": manifest}
            self._save(project, records + [record])
            return record

    def delete(self, project: Project, bundle_id: str) -> None:
        with self._lock:
            path = self.archive_path(project, bundle_id)
            self._save(project, [r for r in self.list(project) if r["bundleId"] != bundle_id])
            path.unlink(missing_ok=True)

    def publish(self, project: Project, bundle_id: str, login: str, published_key: str | None) -> dict:
        """Publish to this node's Project Deployer (creating the published project if missing)."""
        with self._lock:
            path = self.archive_path(project, bundle_id)
            published_key = published_key or project.key
            package = self.published.add_bundle(published_key, path, login, {"url": self.node_url()})
            state = {"publishedOn": package["publishedOn"], "publishedBy": login,
                     "publishedProjectKey": published_key}
            records = [dict(r, publishedBundleState=state) if r["bundleId"] == bundle_id else r
                       for r in self.list(project)]
            self._save(project, records)
            return state


class BundlesBackend:
    """``instance.bundles``: exported bundles (design) and imported ones (automation)."""

    def __init__(self, config: InstanceConfig, root: Path, projects: ProjectsBackend, connections: Connections,
                 plugins: PluginsBackend, published: PublishedProjects, node_url: Callable[[], str | None]):
        """``root``: the node's data directory; the other arguments as :class:`ExportedBundles` and
        :class:`~.automation.ImportedBundles` take them."""
        self.config = config
        self.exported = ExportedBundles(config, root, connections, published, node_url)
        self.imported = ImportedBundles(config, root, projects, connections, plugins)

    def project_list_extras(self, project: Project) -> dict:
        """``activeBundleState`` for a project with an active bundle (automation nodes)."""
        if self.config.role != "automation":
            return {}
        active = self.imported.active(project)
        return {"activeBundleState": active} if active else {}
