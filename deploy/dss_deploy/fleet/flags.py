"""Judge one project: the flags a platform team acts on, most urgent first, each with a one-line detail."""
from __future__ import annotations

from dataclasses import dataclass

from .facts import Deployment, Project

# code -> what it means (README "Fleet status" and the page's legend say the same).
MEANINGS = {
    "unhealthy": "a deployment's health is ERROR, UNHEALTHY or WARNING, or test scenarios failed on the bundle it "
                 "runs",
    "untested-in-prod": "prod runs a bundle that was never active on staging",
    "out-of-sync": "a deployment's health is OUT_OF_SYNC: its settings are not what the automation node runs (an "
                   "update is needed)",
    "staging-ahead": "staging runs a newer bundle than prod: a change is waiting for its pull request to be merged",
    "uncommitted": "the design project has uncommitted changes",
    "not-pushed": "the design project has commits its repository does not have (or no git remote)",
    "no-repository": "the project has no repository (not in the stack outputs, or no git remote in DSS)",
    "no-deployment": "the project has no deployment on the staging or the prod infrastructure yet",
    "unreadable": "part of the project could not be read from DSS (the detail says what)",
}
WARNING_CODES = ("unhealthy", "untested-in-prod")  # the scheduled report annotates these
UNHEALTHY = {"ERROR", "UNHEALTHY", "WARNING"}


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str

    @property
    def warning(self) -> bool:
        return self.code in WARNING_CODES


def judge(project: Project) -> list[Flag]:
    """Every flag the project raises, in the order of :data:`MEANINGS`."""
    found = [*_health(project), *_untested(project), *_out_of_sync(project), *_ahead(project),
             *_design(project), *_missing(project)]
    if project.errors:
        more = f" (and {len(project.errors) - 1} more)" if len(project.errors) > 1 else ""
        found.append(Flag("unreadable", project.errors[0] + more))
    order = list(MEANINGS)
    return sorted(found, key=lambda f: order.index(f.code))


def sort_key(project: Project, flags: list[Flag]) -> tuple:
    """Projects with warning flags first, then flagged ones, then the rest; by key within each group."""
    return (not any(f.warning for f in flags), not flags, project.key)


def _stages(project: Project) -> list[tuple[str, Deployment]]:
    return [(name, d) for name, d in (("prod", project.prod), ("staging", project.staging)) if d is not None]


def _health(project: Project) -> list[Flag]:
    flags = []
    for stage, d in _stages(project):
        if d.health in UNHEALTHY:
            why = "; ".join(m.split(": ", 1)[-1] for m in d.health_messages if not m.startswith(("INFO", "SUCCESS")))
            flags.append(Flag("unhealthy", f"{stage} deployment {d.id} is {d.health}" + (f": {why}" if why else "")))
        if d.tests_failed:
            outcomes = ", ".join(f"{n} {o}" for o, n in sorted(d.tests.items()))
            flags.append(Flag("unhealthy", f"{stage}: test scenarios on bundle {d.running_bundle}: {outcomes}"))
    return flags


def _untested(project: Project) -> list[Flag]:
    prod, staging = project.prod, project.staging
    bundle = prod.running_bundle if prod else None
    if bundle is None:
        return []
    if staging is None:
        return [Flag("untested-in-prod", f"prod runs {bundle}; the project has no staging deployment")]
    seen = staging.active_bundles()
    basis = ""
    if not staging.history_names_bundles:  # the history does not say which bundle each update activated
        last = staging.updates[-1] if staging.updates else None
        seen = {staging.bundle_id} if last is not None and last.status == "SUCCESS" else set()
        basis = " (judged from staging's current bundle: its update history names no bundles)"
    if bundle in seen:
        return []
    return [Flag("untested-in-prod", f"prod runs {bundle}, never active on staging{basis}")]


def _out_of_sync(project: Project) -> list[Flag]:
    flags = []
    for stage, d in _stages(project):
        if d.health == "OUT_OF_SYNC":
            why = "; ".join(m.split(": ", 1)[-1] for m in d.health_messages if not m.startswith("INFO"))
            flags.append(Flag("out-of-sync", f"{stage} deployment {d.id}" + (f": {why}" if why else "")))
    return flags


def _ahead(project: Project) -> list[Flag]:
    staging, prod = project.staging, project.prod
    if staging is None or prod is None:
        return []
    ahead, behind = staging.running_bundle, prod.running_bundle
    if not ahead or not behind or ahead == behind:
        return []
    published_ahead, published_behind = project.published.get(ahead), project.published.get(behind)
    if published_ahead and published_behind:
        newer = published_ahead > published_behind
    else:
        newer = bool(staging.last_updated and prod.last_updated and staging.last_updated > prod.last_updated)
    if not newer:
        return []
    return [Flag("staging-ahead", f"staging runs {ahead}, prod runs {behind}: merge the pull request to release it")]


def _design(project: Project) -> list[Flag]:
    git = project.git
    if git is None:
        return []
    flags = []
    if git.uncommitted:
        flags.append(Flag("uncommitted", f"the design project has uncommitted changes on {git.branch}"))
    if git.ahead:
        flags.append(Flag("not-pushed", f"{git.ahead} commit{'s' if git.ahead > 1 else ''} on {git.branch} not "
                                        f"pushed to {git.remote_url}"))
    elif git.remote_url is None and project.repository:
        flags.append(Flag("not-pushed", f"the design project has no git remote (repository {project.repository})"))
    return flags


def _missing(project: Project) -> list[Flag]:
    flags = []
    if not project.repository:
        flags.append(Flag("no-repository", "not in the stack outputs" if project.repository_source == "stack outputs"
                          else "no git remote in DSS"))
    missing = [stage for stage, d in (("staging", project.staging), ("prod", project.prod)) if d is None]
    if missing:
        flags.append(Flag("no-deployment", "no deployment on " + " nor ".join(missing)))
    return flags
