"""Demo step 1: the DSS emulator cluster of ``emulator.yml``, seeded with the sample projects and dev plugin."""
from __future__ import annotations

import shutil
from pathlib import Path

from dataikuapi import DSSClient

from dss_emulator.config import ServeConfig, load_config
from dss_emulator.seeding import seed_instance
from dss_emulator.server import EmulatorServer

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "emulator.yml"


def table(headers: list[str], rows: list[list]) -> str:
    """A plain text table, columns as wide as their widest cell."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join("  " + line for line in lines)


def demo_config() -> ServeConfig:
    """``emulator.yml`` with its directories taken relative to the repository, the data directory emptied, every
    instance on a free port (port 0), so that two demos or test suites on one machine never collide."""
    config = load_config(CONFIG)
    data_dir = ROOT / config.data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    return config.model_copy(update={"data_dir": data_dir,
                                     "local_remote_roots": tuple(ROOT / root for root in config.local_remote_roots),
                                     "instances": tuple(i.model_copy(update={"port": 0}) for i in config.instances)})


def project_rows(client: DSSClient) -> list[list]:
    rows = []
    for item in client.list_projects():
        project = client.get_project(item["projectKey"])
        mode = project.get_settings().get_raw()["settings"]["gitCommitMode"]
        tests = [s["id"] for s in project.list_scenarios() if s["markedAsTest"]]
        rows.append([item["projectKey"], item["name"], mode, len(project.list_datasets()),
                     len(project.list_recipes()), ", ".join(tests) or "-"])
    return rows


def plugin_rows(client: DSSClient) -> list[list]:
    rows = []
    for plugin in client.list_plugins():
        head = "-"
        if plugin["isDev"]:  # emulator extension: a development plugin is a git repository
            head = client._perform_json("GET", f"/plugins/{plugin['id']}/git/status")["head"][:10]
        rows.append([plugin["id"], plugin["version"], "dev" if plugin["isDev"] else "installed",
                     plugin["meta"]["label"], head])
    return rows


def show_cluster(server: EmulatorServer) -> None:
    """Print the instances, seed the design node and list what it holds through dataikuapi."""
    print(table(["instance", "role", "url", "projects"],
                [[name, inst.role, inst.url, len(DSSClient(inst.url, inst.config.admin_key).list_project_keys())]
                 for name, inst in server.instances.items()]))
    design = next(inst for inst in server.instances.values() if inst.role == "design")
    print()
    for line in seed_instance(design.url, design.config.admin_key, sample=True):
        print(line)
    client = DSSClient(design.url, design.config.admin_key)
    print(f"\nProjects on {design.name}")
    print(table(["key", "name", "commit mode", "datasets", "recipes", "test scenarios"], project_rows(client)))
    print(f"\nPlugins on {design.name}")
    print(table(["id", "version", "kind", "label", "git head"], plugin_rows(client)))


def deploy_remapped_sample(design: DSSClient, project_key: str, infra_id: str) -> list[list]:
    """Export, publish and deploy ``project_key`` through the Project Deployer; answer a row per remapping line.

    SALES_FORECAST keeps its managed datasets in ``sales_dev``, a connection only the design node has: the
    infra remaps it (sample seeding sets that up), so the automation node uses its ``filesystem_managed``.
    """
    project = design.get_project(project_key)
    project.export_bundle("demo-1")
    project.publish_bundle("demo-1")
    deployment = design.get_projectdeployer().create_deployment(f"{project_key}-on-{infra_id}", project_key,
                                                                 infra_id, "demo-1")
    deployment.start_update().wait_for_result()
    lines = deployment.get_update().logs
    health = deployment.get_status().get_health()
    return [[deployment.id, "demo-1", health, line.split(" ", 2)[2]] for line in lines if "remapped" in line]
