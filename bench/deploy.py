"""Deployment timings on the DSS emulator, measured through the real dataikuapi client.

For a project of N sync recipes (default 50) on the design node, each round changes the project, then times:
export_bundle, publish_bundle, a deployment update to the staging node (start_update → wait_for_result: import,
preload, activate over HTTP), the update's own duration on the server, a direct activate_bundle on the prod node,
and the client's polling latency: from the moment the update future finished (the update's endTimestamp) to the
moment wait_for_result returned (dataikuapi polls with a 200 ms backoff growing ×1.1).

Run: ``.venv/bin/python -m bench.deploy [--recipes 50] [--rounds 5]`` from the repository root
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time

from dss_emulator.config import parse_config
from dss_emulator.pytest_plugin import DEFAULT_CLUSTER
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle

KEY = "BENCH"


def build_project(client, recipes: int):
    """Uploaded dataset ``src`` (data in bundles) and ``recipes`` sync recipes ``src`` → ``out_<i>``."""
    project = client.create_project(KEY, "Deploy benchmark", "admin")
    src = project.create_upload_dataset("src", connection="filesystem_managed")
    src.uploaded_add_file(io.BytesIO(b"id,value\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(1000))),
                          "src.csv")
    for i in range(1, recipes + 1):
        builder = project.new_recipe("sync", f"sync_{i}")
        builder.with_input("src")
        builder.with_new_output(f"out_{i}", "filesystem_managed")
        builder.create()
    settings = project.get_settings()
    settings.get_raw()["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"] = [
        {"name": "src", "type": "UploadedFiles"}]
    settings.save()
    return project


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def run(recipes: int, rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in (
        "export_bundle", "publish_bundle", "update (client: start → result)", "update (server: start → end)",
        "polling latency (end → client sees hasResult)", "activate_bundle (prod, direct)")}
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as data_dir:
        server = EmulatorServer(parse_config(dict(DEFAULT_CLUSTER, data_dir=data_dir))).start()
        try:
            dss = EmulatorHandle(server)
            client, prod = dss.client(), dss.client("prod")
            seconds, project = timed(build_project, client, recipes)
            print(f"built {KEY}: {recipes} recipes, {recipes + 1} datasets in {seconds:.2f} s")
            deployer = client.get_projectdeployer()
            for n in range(1, rounds + 1):
                bundle_id = f"v{n}"
                project.set_variables({"standard": {"round": n}, "local": {}})
                samples["export_bundle"].append(timed(project.export_bundle, bundle_id)[0])
                samples["publish_bundle"].append(timed(project.publish_bundle, bundle_id)[0])
                if n == 1:
                    deployment = deployer.create_deployment(f"{KEY}-on-staging", KEY, "staging", bundle_id)
                else:
                    settings = deployment.get_settings()
                    settings.bundle_id = bundle_id
                    settings.save()
                start = time.perf_counter()
                deployment.start_update().wait_for_result()
                returned_ms = time.time() * 1000
                samples["update (client: start → result)"].append(time.perf_counter() - start)
                update = deployment.get_update()
                samples["update (server: start → end)"].append((update.end_time - update.start_time) / 1000)
                samples["polling latency (end → client sees hasResult)"].append((returned_ms - update.end_time) / 1000)
                with project.get_exported_bundle_archive_stream(bundle_id) as stream:
                    archive = io.BytesIO(stream.content)
                if n == 1:
                    prod.create_project_from_bundle_archive(archive)
                else:
                    prod.get_project(KEY).import_bundle_from_stream(archive)
                samples["activate_bundle (prod, direct)"].append(timed(prod.get_project(KEY).activate_bundle,
                                                                       bundle_id)[0])
            assert deployment.get_status().get_health() == "HEALTHY", "the last update did not leave a healthy state"
        finally:
            server.stop()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=50, help="sync recipes in the project (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="bundles exported and deployed (default 5)")
    args = parser.parse_args(argv)
    samples = run(args.recipes, args.rounds)
    width = max(len(name) for name in samples)
    print(f"{'step':<{width}}  median s    max s   ({args.rounds} rounds)")
    for name, values in samples.items():
        print(f"{name:<{width}}  {statistics.median(values):8.3f} {max(values):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
