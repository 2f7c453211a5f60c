"""``python -m dss_emulator serve|seed|coverage``."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .config import ConfigError, load_config, parse_config


def _serve_config(args: argparse.Namespace):
    if args.config:
        return load_config(args.config)
    if args.port is None or not args.admin_key:
        raise ConfigError("serve: give --config FILE, or --port and --admin-key for one instance")
    return parse_config({
        "data_dir": args.data_dir,
        "instances": [{"name": args.name, "role": args.role, "port": args.port, "admin_key": args.admin_key}],
        "local_remote_roots": args.local_remote_root,
    })


def serve(args: argparse.Namespace) -> int:
    from .server import EmulatorServer

    config = _serve_config(args)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server = EmulatorServer(config).start()
    for name, inst in server.instances.items():
        print(f"{name} ({inst.role}) ready at {inst.url}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
        print("DSS emulator stopped", flush=True)
    return 0


def seed(args: argparse.Namespace) -> int:
    from .seeding import SeedError, seed_instance

    try:
        for line in seed_instance(args.url, args.api_key, sample=args.sample, synthetic=args.synthetic):
            print(line, flush=True)
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def coverage(args: argparse.Namespace) -> int:
    from . import coverage

    return coverage.main(args.write)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dss_emulator", description="An emulator of Dataiku DSS's "
                                     "public REST API that the unmodified dataikuapi client works against.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve one instance, or several from a YAML config")
    p.add_argument("--config", type=Path, help="YAML file describing several instances")
    p.add_argument("--port", type=int, help="port of the single instance (0 = any free port)")
    p.add_argument("--data-dir", type=Path, default=Path(".dss-emulator"), help="where state is kept")
    p.add_argument("--admin-key", help="admin API key of the single instance")
    p.add_argument("--role", choices=["design", "automation"], default="design")
    p.add_argument("--name", default="dss", help="name of the single instance")
    p.add_argument("--local-remote-root", action="append", type=Path, default=[], metavar="DIR",
                   help="a directory under which local-path git remotes may be (repeatable; none by default)")
    p.set_defaults(func=serve)
    s = sub.add_parser("seed", help="create sample or synthetic projects on a running instance")
    s.add_argument("--url", required=True, help="base URL of the instance, e.g. http://127.0.0.1:11200")
    s.add_argument("--api-key", required=True, help="an admin API key of that instance")
    group = s.add_mutually_exclusive_group(required=True)
    group.add_argument("--sample", action="store_true", help="the demo's sample projects and dev plugin")
    group.add_argument("--synthetic", type=int, metavar="N", help="N small projects (benchmarks)")
    s.set_defaults(func=seed)
    c = sub.add_parser("coverage", help="print COVERAGE.md: every route with its access level and evidence")
    c.add_argument("--write", action="store_true", help="rewrite dss_emulator/COVERAGE.md instead of printing")
    c.set_defaults(func=coverage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
