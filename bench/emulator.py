"""Performance figures of the DSS emulator at scale (prints figures, asserts nothing).

Starts one design node on a temporary data directory, seeds ``--synthetic`` projects through the control API, then
measures what discovery and the deploy script lean on:

* seeding rate (projects/s);
* ``client.list_projects()`` latency, median of 20 calls (goal: < 0.2 s at 5,000 projects);
* ``get_project(k).get_metadata()`` requests/s under ``--threads`` concurrent clients, against ``/instance-info``
  (no project work at all) measured the same way in the same run, as a ratio.

Run: ``python -m bench.emulator [--synthetic 5000] [--threads 8] [--seconds 3]`` from the repository root.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from collections.abc import Callable

from dataikuapi import DSSClient

from dss_emulator.config import parse_config
from dss_emulator.seeding import seed_instance
from dss_emulator.server import EmulatorServer

ADMIN_KEY = "bench-admin-key"
LIST_GOAL_S = 0.2


def start_design_node(data_dir: str) -> EmulatorServer:
    """One design node on a free port, state under ``data_dir``."""
    config = parse_config({"data_dir": data_dir, "instances": [
        {"name": "design", "role": "design", "port": 0, "admin_key": ADMIN_KEY}]})
    return EmulatorServer(config).start()


def seeding_figures(url: str, count: int) -> None:
    started = time.perf_counter()
    for line in seed_instance(url, ADMIN_KEY, synthetic=count):
        print(line, flush=True)
    elapsed = time.perf_counter() - started
    print(f"seeded {count} synthetic projects in {elapsed:.1f} s ({count / elapsed:.0f} projects/s)")


def list_projects_latency(url: str, calls: int = 20) -> float:
    """Median wall time of ``list_projects()`` (one warm-up call first)."""
    client = DSSClient(url, ADMIN_KEY)
    count = len(client.list_projects())
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        client.list_projects()
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    verdict = "within" if median < LIST_GOAL_S else "OVER"
    print(f"list_projects ({count} projects): median {median * 1000:.0f} ms of {calls} calls "
          f"(goal < {LIST_GOAL_S * 1000:.0f} ms: {verdict}), max {max(timings) * 1000:.0f} ms")
    return median


def throughput(url: str, call: Callable[[DSSClient, int], object], threads: int, seconds: float) -> float:
    """Requests/s of ``call(client, i)`` run in a loop by ``threads`` threads (one client each) for ``seconds``."""
    stop = threading.Event()
    counts = [0] * threads

    def worker(slot: int) -> None:
        client = DSSClient(url, ADMIN_KEY)
        for i in itertools.count(slot):
            if stop.is_set():
                return
            call(client, i)
            counts[slot] += 1

    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    stop.wait(seconds)
    stop.set()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - started)


def metadata_throughput(url: str, project_keys: list[str], threads: int, seconds: float) -> None:
    baseline = throughput(url, lambda c, i: c.get_instance_info(), threads, seconds)
    metadata = throughput(url, lambda c, i: c.get_project(project_keys[i % len(project_keys)]).get_metadata(),
                          threads, seconds)
    print(f"{threads} threads: /instance-info {baseline:.0f} req/s (baseline), "
          f"get_metadata over {len(project_keys)} projects {metadata:.0f} req/s "
          f"= {metadata / baseline:.2f} x baseline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=5000, help="number of synthetic projects to seed")
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients for the throughput figures")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each throughput measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dss-emulator-bench-") as data_dir:
        server = start_design_node(data_dir)
        try:
            url = server.url("design")
            print(f"DSS emulator bench: design node at {url}")
            seeding_figures(url, args.synthetic)
            list_projects_latency(url)
            keys = DSSClient(url, ADMIN_KEY).list_project_keys()
            metadata_throughput(url, keys, args.threads, args.seconds)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
