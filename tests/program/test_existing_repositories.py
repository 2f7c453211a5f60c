"""Existing repositories under a new project's name: refused with one line, or adopted (imported, then managed).

GitHub's getRepository invoke is answered by the mocks from ``existing_repositories`` (repository name → fields),
with the empty id the provider gives for a missing repository.
"""
from __future__ import annotations

import functools

import pytest

from components.existing_repositories import ExistingRepositoryError
from components.program import design_client, run_program
from components.repository_parts import ADOPTION_IGNORED
from gitops_plan.mocks import GET_REPOSITORY, MockRun, ProgramMocks, RecordingMonitor, run_mocked
from gitops_plan.plan import render_text, to_document

from .conftest import create_projects
from .schema_check import schema_problems

REPOSITORY = "github:index/repository:Repository"


def _run(settings, existing=None, previous: MockRun | None = None) -> tuple[MockRun, ProgramMocks, RecordingMonitor]:
    mocks = ProgramMocks(settings.owner, previous.outputs if previous else None, existing_repositories=existing)
    monitor = RecordingMonitor(mocks)
    with design_client(settings) as client:
        result = run_mocked(functools.partial(run_program, settings, client), monitor=monitor)
    return result, mocks, monitor


def _looked_up(mocks: ProgramMocks) -> list[str]:
    for token, args in mocks.invokes:
        assert token == GET_REPOSITORY and schema_problems(token, args) == []
    return sorted(args["fullName"] for _, args in mocks.invokes)


def _children(result: MockRun, component: str) -> list:
    return result.descendants(result.by_name(component).urn)


def test_an_existing_repository_stops_the_run_before_anything_is_declared(dss, settings_for):
    create_projects(dss, "ALPHA", "BETA")
    settings = settings_for(pluginRepositories="false")
    mocks = ProgramMocks(settings.owner, existing_repositories={"dss-beta": {}})
    monitor = RecordingMonitor(mocks)
    with pytest.raises(ExistingRepositoryError) as refused, design_client(settings) as client:
        run_mocked(functools.partial(run_program, settings, client), monitor=monitor)
    assert str(refused.value) == (
        "Refusing to run: repository acme/dss-beta (BETA) already exists; set adoptExistingRepositories to true to "
        "adopt it, or change the repository name template; nothing was changed")
    assert not [r for r in monitor.declared if r.type.startswith(("github:index/", "dataiku-gitops:"))]
    assert _looked_up(mocks) == ["acme/dss-alpha", "acme/dss-beta"]


def test_adoption_imports_the_existing_repository_alone_and_the_plan_says_adopt(dss, settings_for):
    create_projects(dss, "ALPHA", "BETA")
    settings = settings_for(pluginRepositories="false", adoptExistingRepositories="true")
    result, _, _ = _run(settings, existing={"dss-beta": {"archived": True}})
    [adopted] = _children(result, "dss-project-BETA")
    assert adopted.type == REPOSITORY and adopted.import_id == "dss-beta"
    assert schema_problems(REPOSITORY, adopted.inputs) == []
    assert adopted.inputs["name"] == "dss-beta" and adopted.inputs["archived"] is False
    # every input but the name is ignored: an import whose inputs differ from the live repository fails
    assert set(adopted.ignore_changes) == set(adopted.inputs) - {"name"}
    assert len(ADOPTION_IGNORED) == len(adopted.ignore_changes)
    assert adopted.retain_on_delete  # its state has no archive_on_destroy until the next run
    alpha = _children(result, "dss-project-ALPHA")
    assert len(alpha) > 10 and not any(r.import_id for r in alpha)
    assert sorted(result.outputs["projects"]) == ["ALPHA", "BETA"]
    text = render_text(to_document(result, settings, []), None)
    assert "Repository                  adopt dss-beta: the existing repository, imported as it is" in text


def test_the_next_run_manages_the_adopted_repository_and_looks_nothing_up(dss, settings_for):
    create_projects(dss, "ALPHA", "BETA")
    settings = settings_for(pluginRepositories="false", adoptExistingRepositories="true")
    first, _, _ = _run(settings, existing={"dss-beta": {"archived": True}})
    second, mocks, _ = _run(settings, existing={"dss-beta": {"archived": True}}, previous=first)
    assert _looked_up(mocks) == []  # known projects are never looked up
    beta = _children(second, "dss-project-BETA")
    [repository] = [r for r in beta if r.type == REPOSITORY]
    assert not repository.import_id and not repository.ignore_changes and not repository.retain_on_delete
    assert repository.inputs["archived"] is False and repository.inputs["archiveOnDestroy"] is True  # unarchived
    assert len(beta) == len(_children(second, "dss-project-ALPHA"))


def test_a_project_back_after_its_repository_was_archived_is_handled_the_same_way(dss, settings_for, run):
    create_projects(dss, "ALPHA", "BETA")
    no_grace = {"removalGraceRuns": "0", "removalGraceDays": "0"}  # removed on the first run that misses it
    settings = settings_for(pluginRepositories="false", **no_grace)
    first = run(settings)
    dss.client().get_project("BETA").delete()
    second = run(settings, previous=first)  # BETA's repository archived, gone from the outputs
    create_projects(dss, "BETA")
    mocks = ProgramMocks(settings.owner, second.outputs, existing_repositories={"dss-beta": {"archived": True}})
    with pytest.raises(ExistingRepositoryError, match=r"^Refusing to run: repository acme/dss-beta \(BETA, "
                                                      r"archived\) already exists;"), design_client(settings) as c:
        run_mocked(functools.partial(run_program, settings, c), monitor=RecordingMonitor(mocks))
    assert _looked_up(mocks) == ["acme/dss-beta"]  # ALPHA is known: never looked up
    adopted, _, _ = _run(settings_for(pluginRepositories="false", adoptExistingRepositories="true", **no_grace),
                         existing={"dss-beta": {"archived": True}}, previous=second)
    assert [r.import_id for r in _children(adopted, "dss-project-BETA")] == ["dss-beta"]
