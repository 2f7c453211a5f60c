"""The program: settings → discovery → names → deletion guard → components → stack outputs.

``__main__.py`` calls :func:`run_program` through ``pulumi.run``; tests, the offline plan and the bench call it under
Pulumi mocks. Nothing here reads configuration: it all comes in through :class:`Settings`.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

import pulumi
import pulumi_github as github
from dataikuapi import DSSClient
from pydantic import SecretStr

from . import deletion_guard, existing_repositories, naming, removal, run_bound, sharding
from . import repository_parts as parts
from .discovery import DssPlugin, DssProject, Inventory, ProjectFilter, discover, project_presence
from .dss_connection import dss_client
from .dss_remote import DssGitRemoteArgs
from .plugin_repository import PluginRepository, PluginRepositoryArgs
from .project_repository import ProjectRepository, ProjectRepositoryArgs
from .settings import Settings
from .workflow_files import (
    PLUGIN_STATUS_CHECK,
    PR_STATUS_CHECK,
    WorkflowContext,
    plugin_workflow_files,
    project_workflow_files,
    starter_tests_py,
)

ONBOARDING_FAILURES_OUTPUT = "onboardingFailures"


@contextmanager
def design_client(settings: Settings) -> Iterator[DSSClient]:
    """The design-node client discovery uses (the mTLS certificate and CA bundle on disk while it is open; every
    request limited to ``dssTimeoutSeconds``)."""
    with dss_client(settings.design_url, settings.design_api_key.get_secret_value(),
                    _secret_or_none(settings.client_certificate), settings.ca_bundle or None,
                    settings.dss_timeout_seconds) as client:
        yield client


def _secret_or_none(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


async def run_program(settings: Settings, client: DSSClient | None = None,
                      now: datetime | None = None) -> dict[str, pulumi.Input]:
    """Declare every repository; return the stack outputs (``now`` is the run's time, for the removal grace).

    Everything that can fail runs before the first managed resource is declared: discovery, naming, the shard
    check, rendering the workflows, the removal decision and the deletion guard (which read the last outputs
    through a StackReference). The stack manages its shard's keys only, and at most ``maxNewRepositoriesPerRun``
    new ones per run.
    """
    if client is None:
        with design_client(settings) as own:
            inventory, names, previous, decision, admitted = await _discover_and_decide(settings, own, now)
    else:
        inventory, names, previous, decision, admitted = await _discover_and_decide(settings, client, now)
    projects, plugins, repositories = _managed_set(inventory, names, previous, decision)
    policy = parts.RepositoryPolicy(settings.visibility, settings.archive_on_destroy, settings.dev_branch,
                                    settings.prod_branch, settings.required_approvals, settings.team_grants)
    environments = environment_specs(settings)
    design_key = pulumi.Output.secret(settings.design_api_key.get_secret_value())
    certificate = _secret_or_none(settings.client_certificate)
    onboarding_certificate = pulumi.Output.secret(certificate) if certificate else None
    project_args = {p.key: _project_args(settings, policy, environments, design_key, onboarding_certificate, p,
                                         repositories.projects[p.key])
                    for p in projects}
    plugin_environments = plugin_environment_specs(settings)
    plugin_args = {p.id: _plugin_args(settings, policy, plugin_environments, p, repositories.plugins[p.id])
                   for p in plugins}
    removed = deletion_guard.check(previous, repositories, settings.max_deletions_per_run,
                                   settings.plugin_repositories)
    _warn_removals(settings, decision, removed)

    provider = github.Provider("github", owner=settings.owner, write_delay_ms=settings.github_write_delay_ms,
                               parallel_requests=settings.github_parallel_requests,
                               legacy_client=settings.github_legacy_client,
                               cache_path=settings.github_cache_path or None)
    opts = pulumi.ResourceOptions(providers={"github": provider})
    project_args, plugin_args = await _adoptions(settings, provider, previous, project_args, plugin_args)
    if settings.organization_variables:
        _organization_variables(settings, opts)
    declared_projects = {key: ProjectRepository(f"dss-project-{key}", args, opts) for key, args in project_args.items()}
    declared_plugins = {key: PluginRepository(f"dss-plugin-{key}", args, opts) for key, args in plugin_args.items()}
    return {deletion_guard.PROJECTS_OUTPUT: _summary(declared_projects,
                                                     {p.key: removal.project_record(p) for p in projects}),
            deletion_guard.PLUGINS_OUTPUT: _summary(declared_plugins,
                                                    {p.id: removal.plugin_record(p) for p in plugins}),
            deletion_guard.PENDING_OUTPUT: decision.outputs(),
            deletion_guard.SHARD_OUTPUT: str(settings.stack_shard), run_bound.WAITING_OUTPUT: admitted.output(),
            ONBOARDING_FAILURES_OUTPUT: onboarding_failures(declared_projects)}


def onboarding_failures(projects: Mapping[str, ProjectRepository]) -> pulumi.Output[dict[str, str]]:
    """{project key: why its onboarding pushed nothing} for the projects whose onboarding failed in this run, each
    also logged as a warning: the run goes on for the others (see components/dss_remote.py)."""
    def report(key: str, failure: str | None) -> str | None:
        if failure:
            pulumi.log.warn(f"onboarding of DSS project {key} failed, retried next run: {failure}")
        return failure

    failures = {key: c.onboarding_failure.apply(functools.partial(report, key)) for key, c in projects.items()}
    if not failures:  # Output.all() of nothing is a list
        return pulumi.Output.from_input({})
    return pulumi.Output.all(**failures).apply(lambda by_key: {k: f for k, f in by_key.items() if f})


async def _adoptions(settings: Settings, provider: github.Provider, previous: deletion_guard.Managed,
                     project_args: dict[str, ProjectRepositoryArgs], plugin_args: dict[str, PluginRepositoryArgs],
                     ) -> tuple[dict[str, ProjectRepositoryArgs], dict[str, PluginRepositoryArgs]]:
    """Look for existing repositories under the names of keys the last run did not manage; refuse them, or mark
    them adopted (see components/existing_repositories.py)."""
    new_projects = {k: a.repository_name for k, a in project_args.items() if k not in previous.projects}
    new_plugins = {k: a.repository_name for k, a in plugin_args.items() if k not in previous.plugins}
    found_projects = await existing_repositories.find(settings.owner, new_projects, provider)
    found_plugins = await existing_repositories.find(settings.owner, new_plugins, provider)
    if not (found_projects or found_plugins):
        return project_args, plugin_args
    if not settings.adopt_existing_repositories:
        raise existing_repositories.refuse(settings.owner, {**found_plugins, **found_projects})
    for found in (*found_projects.values(), *found_plugins.values()):
        pulumi.log.warn(f"adopting the existing repository {settings.owner}/{found.name}"
                        f"{' (archived: unarchived by the next run)' if found.archived else ''}; "
                        "the next run applies its settings and writes its files")
    return ({k: dataclasses.replace(a, adopt=k in found_projects) for k, a in project_args.items()},
            {k: dataclasses.replace(a, adopt=k in found_plugins) for k, a in plugin_args.items()})


async def _discover_and_decide(settings: Settings, client: DSSClient, now: datetime | None) -> tuple[
        Inventory, naming.RepositoryNames, deletion_guard.Managed, removal.Decision, run_bound.Admitted]:
    """Discovery, names, the last run's outputs, this run's share of the keys (its shard, new ones bounded), and
    what becomes of each project or plugin that left the managed set (asking DSS about projects it no longer
    lists)."""
    inventory = discover(client, ProjectFilter(settings.include_projects, settings.exclude_projects,
                                               settings.required_tags, settings.project_folder),
                         settings.plugin_repositories)
    names = naming.repository_names([p.key for p in inventory.projects], [p.id for p in inventory.plugins],
                                    settings.repository_name_template, settings.plugin_repository_name_template)
    previous = await deletion_guard.read_previous()
    inventory, names, admitted = _this_run(settings, inventory, names, previous)
    deletion_guard.refuse_empty(previous, deletion_guard.Managed(names.projects, names.plugins),
                                settings.plugin_repositories)
    decision = removal.decide(previous.outputs, {"projects": set(names.projects), "plugins": set(names.plugins)},
                              {"projects": inventory.listed_projects,
                               "plugins": inventory.listed_plugins if settings.plugin_repositories else None},
                              _removal_policy(settings), now or datetime.now(UTC),
                              functools.partial(project_presence, client))
    return inventory, names, previous, decision, admitted


def _this_run(settings: Settings, inventory: Inventory, names: naming.RepositoryNames,
              previous: deletion_guard.Managed) -> tuple[Inventory, naming.RepositoryNames, run_bound.Admitted]:
    """The keys of this stack's shard (a changed shard refused), new ones up to maxNewRepositoriesPerRun; names
    were checked for collisions across all shards."""
    shard = settings.stack_shard
    sharding.check_change(previous.shard, shard, settings.allow_shard_change)
    admitted = run_bound.admit(sharding.select(names.projects, shard), sharding.select(names.plugins, shard),
                               previous.projects, previous.plugins, settings.max_new_repositories_per_run)
    waiting = admitted.waiting_projects + admitted.waiting_plugins
    if waiting:
        pulumi.log.info(f"{len(waiting)} new repositories wait for a later run (maxNewRepositoriesPerRun="
                        f"{settings.max_new_repositories_per_run}): {', '.join(waiting)}")
    names = naming.RepositoryNames(projects={key: names.projects[key] for key in admitted.projects},
                                   plugins={key: names.plugins[key] for key in admitted.plugins})
    inventory = dataclasses.replace(inventory, projects=tuple(p for p in inventory.projects if p.key in names.projects),
                                    plugins=tuple(p for p in inventory.plugins if p.id in names.plugins))
    return inventory, names, admitted


def _removal_policy(settings: Settings) -> removal.RemovalPolicy:
    return removal.RemovalPolicy(settings.removal_grace_runs, settings.removal_grace_days,
                                 settings.removal_max_drop_percent)


def _managed_set(inventory: Inventory, names: naming.RepositoryNames, previous: deletion_guard.Managed,
                 decision: removal.Decision) -> tuple[list[DssProject], list[DssPlugin], deletion_guard.Managed]:
    """The discovered projects and plugins plus those pending removal (declared from the last run's record), and
    the repository name of each (a pending one keeps the name it was recorded with)."""
    recorded = previous.outputs
    kept_projects = [removal.recorded_project(key, recorded[deletion_guard.PROJECTS_OUTPUT][key])
                     for key in decision.kept_keys("projects")]
    kept_plugins = [removal.recorded_plugin(key, recorded[deletion_guard.PLUGINS_OUTPUT][key])
                    for key in decision.kept_keys("plugins")]
    repositories = deletion_guard.Managed(
        projects={**names.projects, **{p.key: previous.projects[p.key] for p in kept_projects}},
        plugins={**names.plugins, **{p.id: previous.plugins[p.id] for p in kept_plugins}})
    return (sorted([*inventory.projects, *kept_projects], key=lambda p: p.key),
            sorted([*inventory.plugins, *kept_plugins], key=lambda p: p.id), repositories)


def _warn_removals(settings: Settings, decision: removal.Decision, removed: list[str]) -> None:
    for line in removal.pending_lines(decision.outputs()):
        pulumi.log.warn(line)
    if removed:
        pulumi.log.warn(f"{len(removed)} repositories are no longer managed and will be "
                        f"{'archived' if settings.archive_on_destroy else 'DELETED'}: {', '.join(removed)}")


def _summary(components: Mapping[str, ProjectRepository | PluginRepository],
             recorded: Mapping[str, Mapping[str, str]]) -> dict[str, pulumi.Input]:
    """Per key: the repository, its URL and what a later run needs to declare it while it is pending removal."""
    return {key: {"repository": c.repository_name, "url": c.html_url, **recorded[key]}
            for key, c in components.items()}


def _workflow_context(settings: Settings, key: str, repository: str) -> WorkflowContext:
    try:
        return WorkflowContext(dss_key=key, repository=repository, owner=settings.owner,
                               deploy_action=settings.deploy_action, deploy_action_ref=settings.deploy_action_ref,
                               dev_branch=settings.dev_branch, prod_branch=settings.prod_branch)
    except ValueError as exc:
        raise naming.NamingError(f"{key}: cannot render its workflows: {exc}") from None


def shared_variables(settings: Settings) -> dict[str, str]:
    """The non-secret settings the project workflows read, named after their stage so that the PR workflow
    (staging) and the release / rollback workflows (production) each read only their own stage's values.

    They are the same for every project: organization variables declared once in organization scope,
    repository variables of every project repository in repository scope.
    """
    variables = {"DSS_DESIGN_URL": settings.design_url,
                 "DSS_STAGING_AUTOMATION_URL": settings.staging_automation_url,
                 "DSS_STAGING_INFRA_ID": settings.staging_infra_id,
                 "DSS_PROD_AUTOMATION_URL": settings.prod_automation_url,
                 "DSS_PROD_INFRA_ID": settings.prod_infra_id}
    if settings.ca_bundle:  # the CAs the deploy action trusts too (certificates are public: a variable)
        variables["DSS_CA_BUNDLE"] = settings.ca_bundle
    return variables


def environment_specs(settings: Settings) -> tuple[parts.EnvironmentSpec, ...]:
    """`staging` and `production`, each holding only its own stage's keys as secrets (no variables: the settings
    are stage-named, see :func:`shared_variables`)."""
    specs = []
    for stage in settings.stages:
        secrets = {"DSS_DESIGN_API_KEY": pulumi.Output.secret(stage.design_api_key.get_secret_value()),
                   "DSS_AUTOMATION_API_KEY": pulumi.Output.secret(stage.automation_api_key.get_secret_value())}
        if settings.client_certificate is not None:
            secrets["DSS_CLIENT_CERTIFICATE"] = pulumi.Output.secret(settings.client_certificate.get_secret_value())
        production = stage.environment == "production"
        specs.append(parts.EnvironmentSpec(
            name=stage.environment, secrets=secrets, prod_branch_only=production,
            reviewer_users=settings.production_reviewer_users if production else (),
            reviewer_teams=settings.production_reviewer_teams if production else ()))
    return tuple(specs)


def plugin_environment_specs(settings: Settings) -> tuple[parts.EnvironmentSpec, ...]:
    """A plugin repository's `staging` and `production`: the stage's automation key (installing plugins needs an
    admin key); production also holds staging's, which the release reads to check the content passed there."""
    keys = {stage.environment: stage.automation_api_key.get_secret_value() for stage in settings.stages}
    specs = []
    for spec in environment_specs(settings):
        secrets = {"DSS_AUTOMATION_API_KEY": spec.secrets["DSS_AUTOMATION_API_KEY"]}
        if "DSS_CLIENT_CERTIFICATE" in spec.secrets:
            secrets["DSS_CLIENT_CERTIFICATE"] = spec.secrets["DSS_CLIENT_CERTIFICATE"]
        if spec.name == "production":
            secrets["DSS_STAGING_AUTOMATION_API_KEY"] = pulumi.Output.secret(keys["staging"])
        specs.append(dataclasses.replace(spec, secrets=secrets))
    return tuple(specs)


def _organization_variables(settings: Settings, opts: pulumi.ResourceOptions) -> None:
    """The shared settings, declared once for the whole organization (non-secret values; GitHub visibility
    ``all`` when the generated repositories are public, else ``private``)."""
    visibility = "all" if settings.visibility == "public" else "private"
    for name, value in shared_variables(settings).items():
        github.ActionsOrganizationVariable(f"org-var-{name}", variable_name=name, value=value,
                                           visibility=visibility,
                                           opts=pulumi.ResourceOptions.merge(
                                               opts, pulumi.ResourceOptions(delete_before_replace=True)))


def _project_args(settings: Settings, policy: parts.RepositoryPolicy, environments: tuple[parts.EnvironmentSpec, ...],
                  design_key: pulumi.Output[str], client_certificate: pulumi.Output[str] | None,
                  project: DssProject, repository: str) -> ProjectRepositoryArgs:
    ctx = _workflow_context(settings, project.key, repository)
    variables = {} if settings.organization_variables else shared_variables(settings)
    summary = f": {project.short_desc or project.name}" if (project.short_desc or project.name) != project.key else ""
    return ProjectRepositoryArgs(
        project_key=project.key, repository_name=repository,
        description=f"Dataiku DSS project {project.key}{summary} (managed by dataiku-gitops)",
        policy=policy, status_check=PR_STATUS_CHECK, workflow_files=project_workflow_files(ctx),
        starter_tests=starter_tests_py(ctx), variables=variables, environments=environments,
        onboarding=DssGitRemoteArgs(
            project_key=project.key, remote_url=naming.remote_url(settings.git_remote_url_template, settings.owner,
                                                                  repository),
            branch=settings.dev_branch, prod_branch=settings.prod_branch, design_url=settings.design_url,
            api_key=design_key, client_certificate=client_certificate, ca_bundle=settings.ca_bundle or None,
            timeout_seconds=settings.dss_timeout_seconds))


def _plugin_args(settings: Settings, policy: parts.RepositoryPolicy, environments: tuple[parts.EnvironmentSpec, ...],
                 plugin: DssPlugin, repository: str) -> PluginRepositoryArgs:
    ctx = _workflow_context(settings, plugin.id, repository)
    return PluginRepositoryArgs(
        plugin_id=plugin.id, repository_name=repository,
        description=f"Dataiku DSS plugin {plugin.id}: {plugin.label} (managed by dataiku-gitops)",
        policy=policy, status_check=PLUGIN_STATUS_CHECK, workflow_files=plugin_workflow_files(ctx),
        variables={} if settings.organization_variables else shared_variables(settings),
        environments=environments)
