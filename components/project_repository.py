"""ProjectRepository: the GitHub repository of one DSS project, with everything its pipeline needs."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_github as github

from . import repository_parts as parts
from .dss_remote import DssGitRemote, DssGitRemoteArgs

TYPE = "dataiku-gitops:index:ProjectRepository"


@dataclass(frozen=True)
class ProjectRepositoryArgs:
    """Plain values and secret Inputs; the component reads no configuration itself."""

    project_key: str
    repository_name: str
    description: str
    policy: parts.RepositoryPolicy
    status_check: str
    """The PR workflow job's name, required on prod."""
    workflow_files: Mapping[str, str]
    """Path → content, written in this order and kept up to date."""
    starter_tests: str
    """tests.py, created if absent and never overwritten."""
    variables: Mapping[str, str]
    """Repository variables: the shared settings in repository scope, none in organization scope."""
    environments: tuple[parts.EnvironmentSpec, ...]
    onboarding: DssGitRemoteArgs | None = None
    """Point the DSS project's git remote at the repository, rebase its dev onto prod and push it (this creates
    dev on GitHub); None = leave DSS alone, and the repository has no dev branch until DSS pushes one."""
    adopt: bool = False
    """The repository exists already: import it as it is, alone; the next run declares the rest."""


class ProjectRepository(pulumi.ComponentResource):
    """Repository, prod (default, protected) branch, environments `staging` / `production` with
    environment-scoped DSS secrets, the settings variables in repository scope, the generated workflows and
    tests.py, and the DSS onboarding, which creates dev: DSS pushes it, holding the project's history rebased
    onto prod."""

    repository_name: pulumi.Output[str]
    """The repository's name."""
    html_url: pulumi.Output[str]
    """The repository's web URL."""
    onboarding_failure: pulumi.Output[str | None]
    """Why the DSS onboarding pushed nothing in this run (one line), or None (done, or no onboarding)."""

    def __init__(self, name: str, args: ProjectRepositoryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, {}, opts)
        repo = parts.repository(name, args.repository_name, args.description, args.policy, self, adopt=args.adopt)
        self.repository_name = repo.name
        self.html_url = repo.html_url
        self.onboarding_failure = pulumi.Output.from_input(None)
        if not args.adopt:
            self._fill(name, repo, args)
        self.register_outputs({"repository_name": self.repository_name, "html_url": self.html_url,
                               "onboarding_failure": self.onboarding_failure})

    def _fill(self, name: str, repo: github.Repository, args: ProjectRepositoryArgs) -> None:
        """Everything in the repository, and the onboarding."""
        files = [parts.ManagedFile(path, content) for path, content in args.workflow_files.items()]
        files.append(parts.ManagedFile("tests.py", args.starter_tests, overwrite=False))
        default, written = parts.prod_and_files(name, repo, args.policy, files, self)
        on_prod = written[-1] if written else default
        parts.protect_prod(name, repo, args.policy, args.status_check, on_prod, self)
        grants = parts.team_access(name, repo, args.policy, self)
        parts.repository_variables(name, repo, args.variables, self)
        for spec in args.environments:
            parts.environment(name, repo, spec, self)
        if args.onboarding is not None:
            # after the last file (dev is rebased onto a prod that holds them all) and the team grants (one of them
            # may be what lets DSS's machine user push)
            remote = DssGitRemote(f"{name}-dss-remote", args.onboarding,
                                  opts=pulumi.ResourceOptions(parent=self, depends_on=[on_prod, *grants]))
            self.onboarding_failure = remote.failure
