"""A SIGKILL in the middle of concurrent project creations leaves no half-created project: after a restart on the
same data directory every project answers (summary, settings, git) or is gone and can be created again."""
import threading

import pytest
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from ..emulator.git_helpers import run_git
from .emulator_process import Serve


def _answers(client: DSSClient, key: str) -> None:
    """Every read of the project works, and so does a write (its git repository is usable)."""
    project = client.get_project(key)
    assert project.get_summary()["projectKey"] == key
    assert project.get_settings().get_raw()["settings"]["gitCommitMode"] == "AUTO"
    assert project.get_project_git().get_status()["clean"] is True
    project.set_variables({"standard": {"after": "restart"}, "local": {}})
    assert project.get_project_git().log(count=1)["entries"][0]["message"].startswith("Updated variables")


def test_a_kill_during_concurrent_creations_leaves_whole_projects_or_none(tmp_path):
    data = tmp_path / "data"
    server = Serve(data)
    wanted = [f"CRASH_{i:03d}" for i in range(200)]
    started = threading.Event()

    def create(keys: list[str]) -> None:
        for key in keys:
            try:
                server.client.create_project(key, key, "admin")
                started.set()
            except Exception:  # the server is gone: the remaining creations fail, as they would for a client
                return

    threads = [threading.Thread(target=create, args=(wanted[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    started.wait(60)
    while len(server.client.list_project_keys()) < 16:
        pass
    server.kill()  # 8 creations in flight
    for thread in threads:
        thread.join(60)

    server = Serve(data)
    try:
        listed = server.client.list_project_keys()
        assert 16 <= len(listed) < len(wanted) and set(listed) <= set(wanted)
        for key in listed:
            _answers(server.client, key)
        missing = [key for key in wanted if key not in listed]
        for key in missing[:10]:  # a creation the kill interrupted left nothing behind: the key is free
            with pytest.raises(DataikuException, match="NotFoundException"):
                server.client.get_project(key).get_summary()
            server.client.create_project(key, key, "admin")
            _answers(server.client, key)
        on_disk = sorted(p.name for p in (data / "design" / "projects").iterdir())
        assert on_disk == sorted(listed + missing[:10])  # no hidden leftover either
    finally:
        server.stop()


def test_a_restart_clears_what_killed_commands_leave(tmp_path):
    """Leftovers as a kill leaves them (planted here): build directories of a project and of a plugin, a project
    directory whose creation never committed (an older emulator built projects in place), a git index lock of a
    killed git command."""
    data = tmp_path / "data"
    server = Serve(data)
    server.client.create_project("KEEP", "Keep", "admin")
    server.client.create_project("LOCKED", "Locked", "admin")
    server.kill()
    projects = data / "design" / "projects"
    (projects / ".creating-HALF-0123abcd" / ".git").mkdir(parents=True)
    (projects / "UNFINISHED").mkdir()
    run_git(projects / "UNFINISHED", "init", "-q", "-b", "master")
    (projects / "LOCKED" / ".git" / "index.lock").write_text("")
    half_plugin = data / "design" / "plugins" / ".building" / "half-0123abcd"
    half_plugin.mkdir(parents=True)
    (half_plugin / "plugin.json").write_text('{"id": "half"}')

    server = Serve(data)
    try:
        assert server.client.list_project_keys() == ["KEEP", "LOCKED"]
        for key in ("KEEP", "LOCKED"):
            _answers(server.client, key)
        server.client.create_project("UNFINISHED", "Now finished", "admin")
        _answers(server.client, "UNFINISHED")
        assert sorted(p.name for p in projects.iterdir()) == ["KEEP", "LOCKED", "UNFINISHED"]
        assert server.client.list_plugins() == [] and not half_plugin.parent.exists()
    finally:
        log = server.stop()
    assert "removed leftover .creating-HALF-0123abcd" in log and "removed stale LOCKED/.git/index.lock" in log


def test_a_deleted_project_is_gone_whole(tmp_path):
    server = Serve(tmp_path / "data")
    try:
        project = server.client.create_project("GONE", "Gone", "admin")
        project.set_variables({"standard": {}, "local": {"kept": "outside git"}})
        project.delete()
        assert server.client.list_project_keys() == []
        assert sorted(p.name for p in (tmp_path / "data" / "design" / "projects").iterdir()) == []
        server.client.create_project("GONE", "Gone again", "admin")
        assert server.client.get_project("GONE").get_variables()["local"] == {}
    finally:
        server.stop()
