"""The bundle's commit comes only from DSS's tag ``dss-bundle-<KEY>-<id>``; without it (DSS's tagging option off)
the script says so and takes the safe path: export only from the checked DSS HEAD, trust only what it checked."""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from .helpers import make_world


def bundle_tags(world) -> dict[str, str]:
    return {t["shortName"]: t["commit"] for t in world.project.get_project_git().list_tags()
            if t["shortName"].startswith("dss-bundle-")}


def test_the_export_tag_records_the_checked_head_and_a_retargeted_tag_is_refused(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    bundle = world.exported_ids()[0]
    assert bundle_tags(world) == {f"dss-bundle-CHURN-{bundle}": head}
    assert "no tag" not in world.output

    # Someone points the tag at other content: the script no longer vouches for the bundle.
    git_api = world.project.get_project_git()
    first = git_api.log(count=100)["entries"][-1]["commit"]
    git_api.delete_tag(f"dss-bundle-CHURN-{bundle}")
    git_api.create_tag(f"dss-bundle-CHURN-{bundle}", reference=first, message="moved")
    assert world.run(capsys, "test", "staging", head) == ExitStatus.BUNDLE_REJECTED, world.output
    assert f"was exported from DSS commit {first} whose content tree is" in world.output


def test_without_tags_the_run_says_so_and_checks_dss_instead(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    dss.control("design", "POST", "faults/bundle-tags", {"enabled": False})
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    bundle = world.exported_ids()[0]
    assert bundle_tags(world) == {}
    no_tag = f"DSS has no tag dss-bundle-CHURN-{bundle} (its option to tag bundles at export is off)"
    assert world.output.count(no_tag) == 1 and "checking DSS did not move instead" in world.output
    assert f"exported from DSS HEAD {head}" in world.output

    merge = world.merge_to_prod()
    assert world.run(capsys, "release", "prod", merge) == ExitStatus.OK, world.output
    assert no_tag in world.output and "relying on the check its export made" in world.output
    assert world.active_bundle("prod") == bundle


def test_without_tags_an_unpublished_export_is_made_again(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    dss.control("design", "POST", "faults/bundle-tags", {"enabled": False})
    head = world.dss_head()
    dss.control("design", "POST", "faults/routes", {"method": "POST", "path": "/bundles/[^/]+/publish$",
                                                    "count": 1, "status": 500, "message": "node restarted"})
    assert world.run(capsys, "test", "staging", head) == ExitStatus.ERROR
    assert len(world.exported_ids()) == 1 and world.published_ids() == []

    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    assert "the existing export was never published, so no run vouches for it: exporting it again" in world.output
    assert len(world.exported_ids()) == 1 and world.published_ids() == world.exported_ids()
