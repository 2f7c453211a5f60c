"""Git of a development plugin (an emulator extension: the client has no API for it).

Same shapes and rules as the project git routes (it reuses their :class:`~dss_emulator.projectgit.repo.Repo`): a
remote answers ``{name, url}`` or ``{}``, a push answers ``{success, logs, output}`` (a rejected push is
``success: false``, not an HTTP error; no remote is a 409), the status carries ``currentBranch``,
``remotes: [{name, url}]``, ``clean``, ``hasUncommittedChanges`` and ``head``.
"""
from __future__ import annotations

from ..core.exceptions import invalid
from ..projectgit.repo import ActionLog, Repo, check_remote_name, check_revision, redact
from ..projectgit.safety import RemotePolicy
from .models import PluginsBackend


class PluginGit:
    """Remotes, status and push of the development plugins of one node."""

    def __init__(self, plugins: PluginsBackend, remote_policy: RemotePolicy):
        self.plugins = plugins
        self.remote_policy = remote_policy

    def _repo(self, plugin_id: str, author: str = "admin") -> Repo:
        return Repo(self.plugins.get_dev(plugin_id).path, author)

    def get_remote(self, plugin_id: str, name: str) -> dict:
        url = self._repo(plugin_id).remotes().get(check_remote_name(name))
        return {"name": name, "url": url} if url else {}

    def set_remote(self, plugin_id: str, name: str, url: object) -> dict:
        repo = self._repo(plugin_id)
        check_remote_name(name)
        if not isinstance(url, str) or not url.strip() or url.startswith("-") or any(c.isspace() for c in url):
            raise invalid(f"Invalid remote url: {redact(str(url))!r}", "url must be a git URL or a path")
        self.remote_policy.check(url, repo.tree)
        with self.plugins.lock(plugin_id):
            repo.git("remote", "set-url" if name in repo.remotes() else "add", name, url)
        return {"name": name, "url": url}

    def remove_remote(self, plugin_id: str, name: str) -> dict:
        repo = self._repo(plugin_id)
        with self.plugins.lock(plugin_id):
            if check_remote_name(name) in repo.remotes():
                repo.git("remote", "remove", name)
        return {}

    def status(self, plugin_id: str) -> dict:
        repo = self._repo(plugin_id)
        dirty = repo.has_local_changes()
        return {"currentBranch": repo.current_branch(),
                "remotes": [{"name": n, "url": u} for n, u in sorted(repo.remotes().items())],
                "clean": not dirty, "hasUncommittedChanges": dirty, "head": repo.head()}

    def push(self, plugin_id: str, branch_name: str | None, author: str) -> dict:
        """Push ``branch_name`` (default: the current branch) to the same branch of the default remote."""
        repo = self._repo(plugin_id, author)
        with self.plugins.lock(plugin_id):
            branch = check_revision("branchName", branch_name) if branch_name else repo.require_branch()
            if not repo.ref_exists(f"refs/heads/{branch}"):
                raise invalid(f"Invalid branchName: plugin {plugin_id} has no branch {branch!r}")
            remote = repo.default_remote()
            self.remote_policy.check_remotes(repo, [remote])
            log = ActionLog()
            log.success = repo.run(log, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
            return log.as_dict()
