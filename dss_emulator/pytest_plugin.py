"""pytest fixtures: one emulated cluster (design + staging + prod) per session, reset before each test.

Register with ``pytest_plugins = ["dss_emulator.pytest_plugin"]``. Errors raised inside the server while a test
runs fail that test, with the server-side traceback.
"""
from __future__ import annotations

import pytest

from .config import parse_config
from .server import EmulatorServer
from .testing import EmulatorHandle

DEFAULT_CLUSTER = {
    "instances": [
        {"name": "design", "role": "design", "port": 0, "admin_key": "design-admin-key",
         "infras": [{"id": "staging", "stage": "staging", "automation_node": "staging"},
                    {"id": "prod", "stage": "production", "automation_node": "prod"}]},
        {"name": "staging", "role": "automation", "port": 0, "admin_key": "staging-admin-key"},
        {"name": "prod", "role": "automation", "port": 0, "admin_key": "prod-admin-key"},
    ],
}


@pytest.fixture(scope="session")
def dss_cluster(tmp_path_factory):
    """The emulator server for the whole session (design, staging and prod on free ports)."""
    # tests keep their bare remotes in pytest's temporary directories: local-path remotes may be anywhere under them
    config = parse_config(dict(DEFAULT_CLUSTER, data_dir=tmp_path_factory.mktemp("dss-emulator"),
                               local_remote_roots=[tmp_path_factory.getbasetemp()]))
    server = EmulatorServer(config).start()
    yield EmulatorHandle(server)
    server.stop()


@pytest.fixture
def dss(dss_cluster):
    """The session's emulator, emptied for this test; fails the test if the server recorded an internal error."""
    dss_cluster.reset()
    yield dss_cluster
    errors = dss_cluster.take_errors()
    if errors:
        pytest.fail("the DSS emulator raised while this test ran:\n" + "\n".join(errors), pytrace=False)
