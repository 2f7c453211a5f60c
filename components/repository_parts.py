"""The GitHub resources every generated repository is made of; the two components compose them.

Order on a new repository: Repository (auto_init: branch ``main``) → BranchDefault renames it to prod → the managed
files, one after the other on prod (parallel writes to one branch fail with 409) → protection of prod. dev then
starts from prod, so it holds the workflows (and tests.py): a project's dev is pushed by DSS (the onboarding
resource rebases the project's history onto prod first), a plugin's is a Branch from prod. Environments, secrets
and variables only need the repository.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pulumi
import pulumi_github as github

from .config_fields import TeamGrant
from .workflow_files import PLATFORM_COMMIT_MARKER


@dataclass(frozen=True)
class RepositoryPolicy:
    """How every generated repository is set up (one value for the whole stack)."""

    visibility: str = "private"
    archive_on_destroy: bool = True
    dev_branch: str = "dev"
    prod_branch: str = "prod"
    required_approvals: int = 1
    teams: tuple[TeamGrant, ...] = ()


@dataclass(frozen=True)
class ManagedFile:
    """A file the program writes on the prod branch; ``overwrite=False`` = created once, never updated or deleted."""

    path: str
    content: str
    overwrite: bool = True


@dataclass(frozen=True)
class EnvironmentSpec:
    """A GitHub environment with its own secrets (the settings are stage-named variables, not environment ones)."""

    name: str
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    prod_branch_only: bool = False
    reviewer_users: tuple[int, ...] = ()
    reviewer_teams: tuple[int, ...] = ()


# Every input of :func:`repository` but its name: what an adopted repository keeps as it is for one run.
ADOPTION_IGNORED = ("description", "visibility", "auto_init", "archive_on_destroy", "archived",
                    "has_issues", "has_wiki", "has_projects", "has_discussions", "allow_merge_commit",
                    "allow_squash_merge", "allow_rebase_merge", "allow_auto_merge", "delete_branch_on_merge")


def repository(prefix: str, name: str, description: str, policy: RepositoryPolicy,
               parent: pulumi.Resource, adopt: bool = False) -> github.Repository:
    """The repository: explicit name (no autonaming), not archived, archived on destroy, merge commits only, no
    topics (they would cost two more GitHub writes per repository at creation; the description says it is managed
    here).

    Merge commits only (no squash / rebase) keep every dev commit in prod's history, so the next pull request
    dev → prod shares ancestry and DSS never has to pull prod back; dev is never deleted on merge.

    ``adopt``: the repository exists already and is imported as it is (Pulumi requires an import's inputs to match
    the live repository, hence every other input ignored); retained on delete until the next run, since the
    imported state has no ``archive_on_destroy`` yet. The next run manages it like any other: its settings are
    applied and an archived one is unarchived (``archived=False``).
    """
    adoption = pulumi.ResourceOptions(import_=name, ignore_changes=list(ADOPTION_IGNORED), retain_on_delete=True)
    return github.Repository(
        f"{prefix}-repo", name=name, description=description[:350], visibility=policy.visibility,
        auto_init=True, archive_on_destroy=policy.archive_on_destroy, archived=False,
        has_issues=True, has_wiki=False, has_projects=False, has_discussions=False,
        allow_merge_commit=True, allow_squash_merge=False, allow_rebase_merge=False, allow_auto_merge=False,
        delete_branch_on_merge=False,
        opts=pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=parent), adoption if adopt else None))


def prod_and_files(prefix: str, repo: github.Repository, policy: RepositoryPolicy, files: Sequence[ManagedFile],
                   parent: pulumi.Resource) -> tuple[github.BranchDefault, list[github.RepositoryFile]]:
    """prod as default branch (auto_init's ``main`` renamed), then the files written in sequence on it.

    GitHub finishes a rename in the background: ``wait_for_rename`` makes the provider wait until prod exists, so
    the first file write cannot hit a missing branch.
    """
    default = github.BranchDefault(f"{prefix}-prod-branch", repository=repo.name, branch=policy.prod_branch,
                                   rename=True, wait_for_rename=True, opts=pulumi.ResourceOptions(parent=parent))
    written: list[github.RepositoryFile] = []
    previous: pulumi.Resource = default
    for managed in files:
        written.append(github.RepositoryFile(
            f"{prefix}-file-{PurePosixPath(managed.path).name}", repository=repo.name, branch=default.branch,
            file=managed.path, content=managed.content, overwrite_on_create=managed.overwrite,
            commit_message=f"{PLATFORM_COMMIT_MARKER} {'update' if managed.overwrite else 'add starter'} "
                           f"{managed.path}",
            opts=pulumi.ResourceOptions(
                parent=parent, depends_on=[previous],
                ignore_changes=None if managed.overwrite else ["content", "commit_message", "overwrite_on_create"],
                retain_on_delete=not managed.overwrite)))
        previous = written[-1]
    return default, written


def dev_from_prod(prefix: str, repo: github.Repository, policy: RepositoryPolicy, after: pulumi.Resource,
                  parent: pulumi.Resource) -> github.Branch:
    """dev created from prod once ``after`` (the last file written on prod) exists (plugin repositories).

    Retained on delete: removing the plugin archives its repository with dev (its unmerged work) still there.
    """
    return github.Branch(f"{prefix}-dev-branch", repository=repo.name, branch=policy.dev_branch,
                         source_branch=policy.prod_branch,
                         opts=pulumi.ResourceOptions(parent=parent, depends_on=[after], retain_on_delete=True))


def protect_prod(prefix: str, repo: github.Repository, policy: RepositoryPolicy, status_check: str,
                 after: pulumi.Resource, parent: pulumi.Resource) -> github.BranchProtection:
    """prod: pull requests with approvals and the PR workflow's check, no force-push, no deletion.

    Classic protection (not a ruleset) so that (a) the `production` environment can accept "protected branches
    only" — prod being the only one — without a policy resource per repository, and (b) the identity running
    Pulumi, a repository admin, can still update the managed files (``enforce_admins=False``). ``strict=False``:
    requiring dev to be up to date with prod would make GitHub commit on dev, which DSS would then have to pull.
    """
    return github.BranchProtection(
        f"{prefix}-prod-protection", repository_id=repo.node_id, pattern=policy.prod_branch,
        enforce_admins=False, allows_deletions=False, allows_force_pushes=False,
        required_status_checks=[github.BranchProtectionRequiredStatusCheckArgs(strict=False, contexts=[status_check])],
        required_pull_request_reviews=[github.BranchProtectionRequiredPullRequestReviewArgs(
            required_approving_review_count=policy.required_approvals, dismiss_stale_reviews=True)],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[after]))


def team_access(prefix: str, repo: github.Repository, policy: RepositoryPolicy,
                parent: pulumi.Resource) -> list[github.TeamRepository]:
    """One additive grant per configured team (numeric ids: a slug would make Pulumi revoke and re-grant).

    Retained on delete: the teams keep reading the archived repository of a removed project.
    """
    return [github.TeamRepository(f"{prefix}-team-{grant.team_id}", team_id=str(grant.team_id),
                                  repository=repo.name, permission=grant.permission,
                                  opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=True))
            for grant in policy.teams]


def environment(prefix: str, repo: github.Repository, spec: EnvironmentSpec,
                parent: pulumi.Resource) -> tuple[github.RepositoryEnvironment, list[github.ActionsEnvironmentSecret]]:
    """The environment, then its secrets (replaced delete-first: create-then-delete of a same-named secret deletes
    the new one)."""
    reviewers = spec.reviewer_users or spec.reviewer_teams
    env = github.RepositoryEnvironment(
        f"{prefix}-env-{spec.name}", repository=repo.name, environment=spec.name,
        reviewers=[github.RepositoryEnvironmentReviewerArgs(users=list(spec.reviewer_users),
                                                            teams=list(spec.reviewer_teams))] if reviewers else None,
        prevent_self_review=bool(reviewers), can_admins_bypass=not spec.prod_branch_only,
        deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
            protected_branches=True, custom_branch_policies=False) if spec.prod_branch_only else None,
        opts=pulumi.ResourceOptions(parent=parent))
    replace_first = pulumi.ResourceOptions(parent=parent, delete_before_replace=True)
    secrets = [github.ActionsEnvironmentSecret(
        f"{prefix}-{spec.name}-secret-{secret_name}", repository=repo.name, environment=env.environment,
        secret_name=secret_name, value=value, opts=replace_first) for secret_name, value in spec.secrets.items()]
    return env, secrets


def repository_variables(prefix: str, repo: github.Repository, variables: Mapping[str, str],
                         parent: pulumi.Resource) -> list[github.ActionsVariable]:
    """Repository variables, replaced delete-first like the secrets."""
    return [github.ActionsVariable(f"{prefix}-var-{name}", repository=repo.name, variable_name=name, value=value,
                                   opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=True))
            for name, value in variables.items()]
