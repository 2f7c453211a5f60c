"""``make demo``: the whole GitOps loop, offline, in about a minute.

1. a DSS cluster (design node with Project Deployer, staging and prod automation nodes) on the emulator, seeded;
2. the Pulumi program's offline plan against it: the GitHub state it declares;
3. a local stand-in for that GitHub (bare repositories) and the declared onboarding applied: DSS pushes dev;
4. the generated workflows' runs for CHURN with the deploy script: PR → staging, merge → prod (same bundle),
   then a breaking change whose PR run fails on staging while prod keeps the tested bundle;
5. the fleet at a glance (``python -m dss_deploy status``): what runs where, what is unhealthy or untested;
6. SALES_FORECAST deployed through the Project Deployer with its design-only connection remapped by the infra;
7. a project created in DSS while the cluster runs, timed to its first green pull-request check (onboarding latency);
8. the dev plugin dss-custom-connectors through its workflow's runs (``python -m dss_deploy plugin``): PR → staging,
   merge → prod (the same content tree), then a broken version whose PR run fails on staging (which gets the
   last passed version back) and whose release is refused while prod keeps the tested version.
The emulator's instances listen on free ports (``emulator.yml``'s are for ``python -m dss_emulator serve``).
Everything lives under ``.demo/`` and is rebuilt on each run; ``.demo/served-routes.json`` lists the DSS routes the
run called (``[method, route path]``), which the demo's test checks against ``dss_emulator/COVERAGE.md``.
"""
from __future__ import annotations

import json
import shutil
import sys

from dataikuapi import DSSClient

from dss_emulator.config import ConfigError
from dss_emulator.seeding import SeedError
from dss_emulator.server import EmulatorServer

from . import onboarding
from .cluster import ROOT, demo_config, deploy_remapped_sample, show_cluster, table
from .fleet import show_fleet
from .github import create_repository, onboard_projects, run_plan
from .pipeline import Stage, run_pipeline
from .plugin import PLUGIN_ID, run_plugin_pipeline

WORK = ROOT / ".demo"
PIPELINE_PROJECT = "CHURN"


def section(title: str) -> None:
    print(f"\n=== {title}")


def run(server: EmulatorServer) -> None:
    dev, staging, prod = (server.instances[name] for name in ("dev", "staging", "prod"))
    design = (dev.url, dev.config.admin_key)
    stages = (Stage("staging", "staging", staging.url, staging.config.admin_key),
              Stage("prod", "prod", prod.url, prod.config.admin_key))
    section("1. DSS emulator cluster")
    show_cluster(server)

    section("2. Offline plan of the Pulumi program (mocks; nothing is created)")
    github_dir = WORK / "github"
    plan = run_plan(ROOT, dev.url, dev.config.admin_key, github_dir, WORK / "plan.json")

    section("3. Local stand-in for GitHub, then onboarding (the declared DssGitRemote resources)")
    owner = plan["outputs"]["projects"] and next(
        r["inputs"]["owner"] for r in plan["resources"] if r["type"] == "pulumi:providers:github")
    bare = {key: create_repository(plan, owner, info["repository"], github_dir)
            for key, info in plan["outputs"]["projects"].items()}
    pushed = onboard_projects(plan, dev.config.admin_key)
    print(table(["project", "repository (local bare)", "DSS pushed dev"],
                [[key, str(path.relative_to(ROOT)), pushed.get(key, "-")[:12]] for key, path in bare.items()]))

    section(f"4. The generated workflows for {PIPELINE_PROJECT}, run with the deploy script")
    rows = run_pipeline(PIPELINE_PROJECT, bare[PIPELINE_PROJECT], WORK / "pipeline", design, *stages)
    section("Summary")
    print(table(["run", "commit", "stage", "exit", "active on staging", "active on prod"], rows))
    print("\nThe breaking change failed on staging (exit 6 = tests failed); prod still runs the bundle the first "
          "pull request tested.")

    section("5. The fleet at a glance (the daily fleet report's table; the page is .demo/fleet.html)")
    if show_fleet(plan, design, WORK) != 0:
        raise RuntimeError("the fleet status command failed; see its output above")

    section("6. SALES_FORECAST through the Project Deployer, connection remapped by the infra")
    print(table(["deployment", "bundle", "health", "update log"],
                deploy_remapped_sample(DSSClient(*design), "SALES_FORECAST", "staging")))

    section(f"7. Onboarding latency: {onboarding.NEW_PROJECT} is created in DSS while the cluster runs")
    latency = onboarding.measure(ROOT, WORK, onboarding.Design(*design), owner, stages[0])
    print(f"\nOnboarding latency (project created in DSS → repository declared → DSS pushed dev → first green "
          f"pull-request check): {latency:.1f} s offline (goal < {onboarding.GOAL_SECONDS} s); in the real world add "
          "the reconcile schedule's period (15 min) and one run (README: onboarding latency).")

    section(f"8. Plugin {PLUGIN_ID}: PR → staging → release → prod")
    rows = run_plugin_pipeline(plan, owner, github_dir, WORK / "plugin", design, stages[0], stages[1])
    section("Plugin summary (what each node serves: list_plugins' version @ the git tree of download_plugin_stream)")
    print(table(["run", "commit", "node", "exit", "on staging", "on prod"], rows))
    print(f"\n{plugin_verdict(rows)}")


def plugin_verdict(rows: list[list[str]]) -> str:
    """What the plugin runs showed, from the table's cells; a RuntimeError when prod did not get what was tested."""
    tested = rows[0][4]
    if not (rows[1][5] == tested and rows[2][3] == "6" and rows[2][4] == tested and rows[3][3] == "4"
            and rows[3][5] == tested):
        raise RuntimeError("the plugin runs did not keep prod on the tested content; see the table above")
    return (f"Prod serves {tested}, the content its pull request tested on staging. The broken 1.1.0 failed its "
            "tests on staging (exit 6 = tests failed), staging was given back the last version that passed there "
            "(other pull requests test against it), and its release was refused (exit 4: never passed on staging): "
            "prod kept the tested version.")


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    try:
        with EmulatorServer(demo_config()) as server, server.recording() as served:
            run(server)
    except (ConfigError, SeedError, OSError, RuntimeError) as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    (WORK / "served-routes.json").write_text(json.dumps(sorted(served), indent=1))
    print("\nDSS emulator stopped. Everything the demo made is under .demo/ (plan.json, github/, pipeline/reports/, "
          "plugin/reports/).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
