"""PluginRepository: the GitHub repository of one DSS dev plugin.

The same shape as a project repository minus the onboarding (dataikuapi has no API for a dev plugin's git remote:
set it in DSS's plugin editor) — so the program creates the dev branch itself, from prod once the workflows are
written. Its environments hold the automation keys the plugin workflows install with (see
``program.plugin_environment_specs``); the settings are the same stage-named variables as a project's.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from . import repository_parts as parts

TYPE = "dataiku-gitops:index:PluginRepository"


@dataclass(frozen=True)
class PluginRepositoryArgs:
    plugin_id: str
    repository_name: str
    description: str
    policy: parts.RepositoryPolicy
    status_check: str
    """The plugin PR workflow job's name, required on prod."""
    workflow_files: Mapping[str, str]
    """Path → content, written in this order and kept up to date."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Repository variables (empty in organization scope)."""
    environments: tuple[parts.EnvironmentSpec, ...] = ()
    adopt: bool = False
    """The repository exists already: import it as it is, alone; the next run declares the rest."""


class PluginRepository(pulumi.ComponentResource):
    """Repository, prod (default, protected) and dev branches, the plugin workflows, environments, variables."""

    repository_name: pulumi.Output[str]
    """The repository's name."""
    html_url: pulumi.Output[str]
    """The repository's web URL."""

    def __init__(self, name: str, args: PluginRepositoryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, {}, opts)
        repo = parts.repository(name, args.repository_name, args.description, args.policy, self, adopt=args.adopt)
        if not args.adopt:
            files = [parts.ManagedFile(path, content) for path, content in args.workflow_files.items()]
            default, written = parts.prod_and_files(name, repo, args.policy, files, self)
            dev = parts.dev_from_prod(name, repo, args.policy, written[-1] if written else default, self)
            parts.protect_prod(name, repo, args.policy, args.status_check, dev, self)
            parts.team_access(name, repo, args.policy, self)
            parts.repository_variables(name, repo, args.variables, self)
            for spec in args.environments:
                parts.environment(name, repo, spec, self)
        self.repository_name = repo.name
        self.html_url = repo.html_url
        self.register_outputs({"repository_name": self.repository_name, "html_url": self.html_url})
