"""templates/action-pins.yml is the one place actions are pinned: the generated workflows, this repository's own
workflows and the deploy action all use exactly those pins, with the tag as a trailing comment."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from components.workflow_files import ACTION_PINS_FILE, action_pins, plugin_workflow_files, project_workflow_files
from tests.templates.conftest import PLUGIN, PROJECT

REPO = Path(__file__).resolve().parents[2]
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


def _github_actions_used() -> dict[str, list[str]]:
    """``owner/action@ref # comment`` of every non-local action, per file (generated and hand-written)."""
    texts = {"generated project workflow": "".join(project_workflow_files(PROJECT).values()),
             "generated plugin workflow": "".join(plugin_workflow_files(PLUGIN).values())}
    for path in [*sorted((REPO / ".github" / "workflows").glob("*.yml")), REPO / "deploy" / "action.yml",
                 REPO / "deploy" / "plugin" / "action.yml"]:
        texts[str(path.relative_to(REPO))] = path.read_text()
    return {where: [f"{ref}{comment.rstrip()}" for ref, comment in USES.findall(text)
                    if ref.startswith("actions/")] for where, text in texts.items()}


def test_every_use_of_a_github_action_is_the_pinned_one():
    pins = set(action_pins().values())
    used = _github_actions_used()
    assert all(used.values()), used  # every file uses at least one pinned action
    strays = {where: [u for u in uses if u not in pins] for where, uses in used.items()}
    assert strays == {where: [] for where in used}


def test_pins_are_full_shas_of_the_versions_verified_for_issue_8():
    pins = yaml.safe_load(ACTION_PINS_FILE.read_text())
    assert pins == {
        "actions/checkout": {"sha": "3d3c42e5aac5ba805825da76410c181273ba90b1", "version": "v7.0.1"},
        "actions/setup-python": {"sha": "5fda3b95a4ea91299a34e894583c3862153e4b97", "version": "v7.0.0"},
    }


def test_no_unverified_warning_is_left():
    texts = [(REPO / "README.md").read_text(), (REPO / "deploy" / "action.yml").read_text(),
             *(p.read_text() for p in (REPO / ".github" / "workflows").glob("*.yml"))]
    assert not [t for t in texts if re.search(r"from memory|must be checked before|not verified against", t)]
