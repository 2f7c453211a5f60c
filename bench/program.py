"""Figures for the Pulumi program at scale, on the DSS emulator with N synthetic projects (default 1,000).

Prints: the DSS requests discovery makes (goal ≤ 3; a folder filter and plugin repositories on, the worst case),
the program's time under Pulumi mocks against a bare loop that declares the same pulumi-github resources with the
same inputs (goal ≤ 1.15×) and the time per registration of each side, the resources per project in both variable
scopes (goal ≤ 14), the GitHub request budget line of the plan (goals: create ≤ 45 requests and ≤ 16 writes,
reconcile 0, refresh ≤ 15), and the first adoption of all N projects under the default maxNewRepositoriesPerRun:
its number of runs (the first one really run under mocks) and its longest run (write delay + reads at 0.3 s each,
the model of components/github_requests.py).
Each timing runs in a fresh interpreter against the same emulator (the Pulumi SDK slows down as one process
accumulates runs, which would favour whichever side runs first). Nothing reaches GitHub; no Pulumi CLI is used.

    .venv/bin/python -m bench.program [--projects N] [--repeat R]    # from the repository root
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pulumi
import pulumi_github as github
from dataikuapi import DSSClient

from components.discovery import DssProject, ProjectFilter, discover
from components.github_requests import Cost
from components.program import design_client, environment_specs, run_program, shared_variables
from components.settings import Settings, config_schema, parse_settings
from components.workflow_files import PR_STATUS_CHECK, WorkflowContext, project_workflow_files, starter_tests_py
from dss_emulator.config import parse_config
from dss_emulator.pytest_plugin import DEFAULT_CLUSTER
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle
from gitops_plan.mocks import MockRun, run_mocked
from gitops_plan.observe import record_requests
from gitops_plan.plan import budget_line, to_document

ROOT = Path(__file__).resolve().parents[1]
GOAL_REQUESTS, GOAL_RATIO, GOAL_PER_PROJECT = 3, 1.15, 14


def settings_for(dss: EmulatorHandle, **overrides: str) -> Settings:
    return parse_settings({
        "owner": "acme", "designUrl": dss.url("design"), "designApiKey": dss.admin_key("design"),
        "stagingAutomationUrl": dss.url("staging"), "stagingInfraId": "staging", "stagingDesignApiKey": "s-d",
        "stagingAutomationApiKey": "s-a", "prodAutomationUrl": dss.url("prod"), "prodInfraId": "prod",
        "prodDesignApiKey": "p-d", "prodAutomationApiKey": "p-a", "deployActionRepository": "acme/dataiku-gitops",
        "deployActionRef": "0123456789abcdef0123456789abcdef01234567", "projectFolder": "ROOT",
        "maxDeletionsPerRun": "100000", "maxNewRepositoriesPerRun": "100000", **overrides})


def bare_loop(settings: Settings, projects: list[DssProject], files: dict[str, dict[str, str]]):
    """The same pulumi-github resources and inputs as the program (organization scope), declared in one flat loop
    (no component, no discovery, no rendering, no onboarding)."""
    provider = github.Provider("github", owner=settings.owner)
    environments = environment_specs(settings)
    for variable, value in shared_variables(settings).items():
        github.ActionsOrganizationVariable(f"org-{variable}", variable_name=variable, value=value, visibility="private",
                                           opts=pulumi.ResourceOptions(provider=provider, delete_before_replace=True))
    for project in projects:
        name, repo_name = f"p-{project.key}", f"dss-{project.key.lower().replace('_', '-')}"
        opts = pulumi.ResourceOptions(provider=provider)
        replace_first = pulumi.ResourceOptions(provider=provider, delete_before_replace=True)
        repo = github.Repository(
            f"{name}-repo", name=repo_name, visibility="private", auto_init=True, archive_on_destroy=True,
            description=f"Dataiku DSS project {project.key}: {project.name} (managed by dataiku-gitops)",
            archived=False, has_issues=True, has_wiki=False, has_projects=False,
            has_discussions=False, allow_merge_commit=True, allow_squash_merge=False, allow_rebase_merge=False,
            allow_auto_merge=False, delete_branch_on_merge=False, opts=opts)
        default = github.BranchDefault(f"{name}-prod", repository=repo.name, branch="prod", rename=True,
                                       wait_for_rename=True, opts=opts)
        previous: pulumi.Resource = default
        for path, content in files[project.key].items():
            overwrite = path != "tests.py"
            previous = github.RepositoryFile(
                f"{name}-{path}", repository=repo.name, branch=default.branch, file=path, content=content,
                overwrite_on_create=overwrite,
                commit_message=f"dataiku-gitops: {'update' if overwrite else 'add starter'} {path}",
                opts=pulumi.ResourceOptions(provider=provider, depends_on=[previous]))
        github.BranchProtection(
            f"{name}-protection", repository_id=repo.node_id, pattern="prod", enforce_admins=False,
            allows_deletions=False, allows_force_pushes=False,
            required_status_checks=[github.BranchProtectionRequiredStatusCheckArgs(strict=False,
                                                                                   contexts=[PR_STATUS_CHECK])],
            required_pull_request_reviews=[github.BranchProtectionRequiredPullRequestReviewArgs(
                required_approving_review_count=1, dismiss_stale_reviews=True)],
            opts=pulumi.ResourceOptions(provider=provider, depends_on=[previous]))
        for spec in environments:
            production = spec.name == "production"
            env = github.RepositoryEnvironment(
                f"{name}-{spec.name}", repository=repo.name, environment=spec.name, prevent_self_review=False,
                can_admins_bypass=not production,
                deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                    protected_branches=True, custom_branch_policies=False) if production else None, opts=opts)
            for secret, value in spec.secrets.items():
                github.ActionsEnvironmentSecret(f"{name}-{spec.name}-{secret}", repository=repo.name,
                                                environment=env.environment, secret_name=secret, value=value,
                                                opts=replace_first)


async def _bare_program(settings: Settings, projects: list[DssProject], files: dict[str, dict[str, str]]) -> dict:
    bare_loop(settings, projects, files)
    return {}


def _github_digest(run: MockRun) -> tuple[int, str]:
    """Count and digest of the (type, inputs) multiset of pulumi-github resources: both sides must agree."""
    items = sorted(json.dumps([r.type, r.inputs], sort_keys=True) for r in run.resources
                   if r.type.startswith("github:index/"))
    return len(items), hashlib.sha256("\n".join(items).encode()).hexdigest()


def per_project(run: MockRun, key: str) -> dict[str, int]:
    component = next(r for r in run.resources if r.name == f"dss-project-{key}")
    kinds = Counter("DssGitRemote (dynamic)" if r.type.startswith("pulumi-python:dynamic")
                    else r.type.rsplit(":", 1)[-1] for r in run.descendants(component.urn))
    return dict(sorted(kinds.items()))


def measure(side: str, dss: EmulatorHandle) -> dict:
    """One timed run of ``side`` ("program" or "bare") in this (fresh) process."""
    settings = settings_for(dss)
    with design_client(settings) as client:
        return _measure(side, dss, settings, client)


def _measure(side: str, dss: EmulatorHandle, settings: Settings, client: DSSClient) -> dict:
    sent = record_requests(client)
    if side == "bare":  # discovery and rendering are the program's work, not the bare loop's
        projects = list(discover(client, ProjectFilter(), True).projects)
        files = {}
        for p in projects:
            ctx = WorkflowContext(p.key, f"dss-{p.key.lower().replace('_', '-')}", settings.owner,
                                  settings.deploy_action, settings.deploy_action_ref)
            files[p.key] = {**project_workflow_files(ctx), "tests.py": starter_tests_py(ctx)}
        program = functools.partial(_bare_program, settings, projects, files)
    else:
        program = functools.partial(run_program, settings, client)
    start = time.perf_counter()
    run = run_mocked(program)
    seconds = time.perf_counter() - start
    count, digest = _github_digest(run)
    result = {"seconds": seconds, "registrations": len(run.resources), "github": count, "digest": digest}
    if side == "program":
        discovery = list(sent)  # before the runs below add theirs
        user = run_mocked(functools.partial(run_program, settings_for(
            dss, ownerType="user", includeProjects='["SYNTH_00001"]'), client))
        bound = config_schema()["maxNewRepositoriesPerRun"].default
        first = run_mocked(functools.partial(run_program, settings_for(dss, maxNewRepositoriesPerRun=str(bound)),
                                             client))
        result.update(requests=discovery, per_project_org=per_project(run, "SYNTH_00001"),
                      per_project=per_project(user, "SYNTH_00001"),
                      per_stack_org=sum(r.type.endswith(":ActionsOrganizationVariable") for r in run.resources),
                      budget=to_document(run, settings, sent)["githubRequests"], bound=bound,
                      first_declared=len(first.outputs["projects"]),
                      first_waiting=len(first.outputs["waiting"]["projects"]))
    return result


class _RemoteCluster(EmulatorHandle):
    """The parent's emulator seen from a measuring subprocess (URLs and admin keys only)."""

    def __init__(self, urls: dict[str, str], keys: dict[str, str]):
        self.urls, self.keys = urls, keys

    def url(self, name: str = "design") -> str:
        return self.urls[name]

    def admin_key(self, name: str = "design") -> str:
        return self.keys[name]


def _measure_in_subprocess(side: str, dss: EmulatorHandle) -> dict:
    names = ("design", "staging", "prod")
    cluster = {"urls": {n: dss.url(n) for n in names}, "keys": {n: dss.admin_key(n) for n in names}}
    proc = subprocess.run([sys.executable, "-m", "bench.program", "--measure", side], input=json.dumps(cluster),
                          text=True, capture_output=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"measuring {side} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000, help="synthetic projects to create (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each side, alternating (best kept)")
    parser.add_argument("--measure", choices=["program", "bare"], help=argparse.SUPPRESS)  # subprocess mode
    args = parser.parse_args(argv)
    if args.measure:
        cluster = json.loads(sys.stdin.read())
        print(json.dumps(measure(args.measure, _RemoteCluster(cluster["urls"], cluster["keys"]))))
        return 0
    with tempfile.TemporaryDirectory() as data_dir:
        server = EmulatorServer(parse_config(dict(DEFAULT_CLUSTER, data_dir=data_dir))).start()
        try:
            dss = EmulatorHandle(server)
            dss.control("design", "POST", "seed", {"synthetic": args.projects})
            runs: dict[str, list[dict]] = {"bare": [], "program": []}
            for _ in range(args.repeat):  # each side in a fresh interpreter: no state carried between runs
                for side in ("bare", "program"):
                    runs[side].append(_measure_in_subprocess(side, dss))
        finally:
            server.stop()
    bare = min(runs["bare"], key=lambda r: r["seconds"])
    program = min(runs["program"], key=lambda r: r["seconds"])
    if (program["github"], program["digest"]) != (bare["github"], bare["digest"]):
        print("error: the bare loop does not declare the same pulumi-github resources as the program", file=sys.stderr)
        return 1
    ratio = program["seconds"] / bare["seconds"]
    sent = program["requests"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(f"Pulumi program on {args.projects} synthetic DSS projects (emulator), under Pulumi mocks; each timing in a "
          f"fresh interpreter, best of {args.repeat}")
    print(f"  DSS requests for discovery: {len(sent)} ({', '.join(sent)}) "
          f"— goal ≤ {GOAL_REQUESTS}: {verdict(len(sent) <= GOAL_REQUESTS)}")
    print(f"  program: {program['seconds']:.1f} s ({program['registrations']} registrations, {program['github']} of "
          f"them pulumi-github); bare loop declaring the same {bare['github']} pulumi-github resources: "
          f"{bare['seconds']:.1f} s")
    print(f"  program / bare loop: {ratio:.2f}x — goal ≤ {GOAL_RATIO}x: {verdict(ratio <= GOAL_RATIO)}")
    per_program = program["seconds"] / program["registrations"] * 1000
    per_bare = bare["seconds"] / bare["registrations"] * 1000
    extra = (program["registrations"] - program["github"]) / args.projects
    print(f"  per registration: program {per_program:.2f} ms, bare loop {per_bare:.2f} ms "
          f"({per_program / per_bare:.2f}x); the rest of the gap is the {extra:.0f} registrations per project that "
          f"are not pulumi-github resources (the project component, the DSS onboarding resource)")
    for scope, key, note in (
            ("organization", "per_project_org", f"the default for an organization owner; + {program['per_stack_org']} "
                                                "organization variables once per stack"),
            ("repository", "per_project", "ownerType user: the settings are repository variables")):
        counts = program[key]
        total = sum(counts.values())
        goal = (f" — goal ≤ {GOAL_PER_PROJECT}: {verdict(total <= GOAL_PER_PROJECT)}" if scope == "organization"
                else " — no goal (user accounts)")
        print(f"  resources per project, variableScope={scope}: {total} ({total - 1} pulumi-github + 1 DSS onboarding;"
              f" {note}){goal}")
        print("    " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    budget = program["budget"]
    goals = (budget["create"] <= 45 and budget["createWrites"] <= 16 and budget["reconcile"] == 0
             and budget["refresh"] <= 15)
    print(f"  {budget_line(budget)} — goals create ≤ 45 (≤ 16 writes), reconcile 0, refresh ≤ 15: {verdict(goals)}")
    bound, declared, waiting = program["bound"], program["first_declared"], program["first_waiting"]
    runs = 1 + -(-waiting // bound)
    per_project_cost = Cost(budget["createWrites"], budget["create"] - budget["createWrites"])
    longest = declared * per_project_cost.seconds()
    print(f"  first adoption of {args.projects} projects with maxNewRepositoriesPerRun={bound}: the first run declares "
          f"{declared} and lists {waiting} as waiting → {runs} runs ({runs * 15 / 60:.1f} h at one run per 15 min); "
          f"longest run {longest / 60:.1f} min ({declared} × ({per_project_cost.writes} writes × 1 s + "
          f"{per_project_cost.reads} reads × 0.3 s)) — inside the 60-min job timeout: {verdict(longest < 3600)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
