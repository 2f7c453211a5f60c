"""Bench of ``python -m dss_deploy status``: DSS requests and wall time for a fleet of 1,000 projects.

Starts a design node (Project Deployer with infras ``staging`` and ``prod``) and two automation nodes on a
temporary data directory, seeds ``--synthetic`` projects, deploys ``--deployed`` of them to staging and prod
through ``dataikuapi`` (export, publish, deployment, update), then reads the fleet the way the command does and
prints how many requests it sent — split into the flat part, the per-project part and the per-deployment part —
and how long it took with 1 and with ``--workers`` threads. Nothing is asserted.

Run: ``PYTHONPATH=deploy python -m bench.fleet [--synthetic 1000] [--deployed 20] [--workers 8]`` from the
repository root (``dss_deploy`` lives in ``deploy/``, as for the composite action).
"""
from __future__ import annotations

import argparse
import collections
import tempfile
import threading
import time

from dataikuapi import DSSClient
from dss_deploy.fleet import render_html, render_table
from dss_deploy.fleet.collect import collect

from dss_emulator.config import parse_config
from dss_emulator.seeding import seed_instance
from dss_emulator.server import EmulatorServer

INFRAS = {"staging": "staging", "prod": "prod"}


def start_cluster(data_dir: str) -> EmulatorServer:
    config = parse_config({"data_dir": data_dir, "instances": [
        {"name": "design", "role": "design", "port": 0, "admin_key": "design-key",
         "infras": [{"id": "staging", "stage": "staging", "automation_node": "staging"},
                    {"id": "prod", "stage": "production", "automation_node": "prod"}]},
        {"name": "staging", "role": "automation", "port": 0, "admin_key": "staging-key"},
        {"name": "prod", "role": "automation", "port": 0, "admin_key": "prod-key"}]})
    return EmulatorServer(config).start()


def deploy(client: DSSClient, keys: list[str]) -> None:
    """Export and publish one bundle per project, deploy it to staging then prod."""
    deployer = client.get_projectdeployer()
    for key in keys:
        project = client.get_project(key)
        project.export_bundle("v1")
        project.publish_bundle("v1")
        for infra in INFRAS.values():
            deployer.create_deployment(f"{key}-on-{infra}", key, infra, "v1").start_update().wait_for_result()


class CountingClient(DSSClient):
    """A ``DSSClient`` that counts its requests by route shape (thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._session.hooks["response"].append(self._count)

    def _count(self, response, *args, **kwargs):
        parts = response.request.path_url.split("?")[0].removeprefix("/dip/publicapi/").strip("/").split("/")
        for n in range(1, len(parts)):  # projects/{key}/..., deployments/{id}/...
            parts[n] = {"projects": "{key}", "deployments": "{id}"}.get(parts[n - 1], parts[n])
        with self._lock:
            self.counts[f"{response.request.method} {'/'.join(parts)}"] += 1


def measure(url: str, workers: int) -> tuple[CountingClient, float, object]:
    client = CountingClient(url, "design-key")
    started = time.perf_counter()
    fleet = collect(client, INFRAS, workers=workers)
    return client, time.perf_counter() - started, fleet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=1000, help="number of synthetic projects to seed")
    parser.add_argument("--deployed", type=int, default=20, help="projects deployed to staging and prod")
    parser.add_argument("--workers", type=int, default=8, help="threads of the parallel read")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dss-fleet-bench-") as data_dir:
        server = start_cluster(data_dir)
        try:
            url = server.url("design")
            for line in seed_instance(url, "design-key", synthetic=args.synthetic):
                print(line, flush=True)
            admin = DSSClient(url, "design-key")
            keys = sorted(admin.list_project_keys())
            started = time.perf_counter()
            deploy(admin, keys[: args.deployed])
            print(f"deployed {args.deployed} projects to staging and prod in {time.perf_counter() - started:.1f} s")
            deployments = 2 * args.deployed
            for workers in (1, args.workers):
                client, elapsed, fleet = measure(url, workers)
                total = sum(client.counts.values())
                print(f"\nstatus of {len(keys)} projects ({deployments} deployments), {workers} worker(s): "
                      f"{total} DSS requests in {elapsed:.1f} s")
            for route, count in sorted(client.counts.items(), key=lambda item: (-item[1], item[0])):
                print(f"  {count:6d}  {route}")
            flat = sum(c for r, c in client.counts.items() if "{" not in r)
            per_project = sum(c for r, c in client.counts.items() if "{key}" in r) / len(keys)
            per_deployment = sum(c for r, c in client.counts.items() if "{id}" in r) / max(deployments, 1)
            print(f"= {flat} flat + {per_project:g} per project + {per_deployment:g} per deployment")
            started = time.perf_counter()
            table = render_table.render(fleet)
            page = render_html.render(fleet)
            print(f"table ({len(table.splitlines())} lines) and HTML page ({len(page) / 1e6:.1f} MB) rendered in "
                  f"{time.perf_counter() - started:.2f} s")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
