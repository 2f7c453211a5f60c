"""Jobs through the real dataikuapi client: recipes really run (Python in a subprocess, sync in-process)."""
import re

import pytest
from dataikuapi.dss.job import DSSJobWaiter
from dataikuapi.utils import DataikuException

from .run_helpers import PAYING_CUSTOMERS, seed_churn, set_recipe_code, wait_until


@pytest.fixture
def churn(dss):
    return seed_churn(dss)


def _rows(project, dataset):
    return list(project.get_dataset(dataset).iter_rows())


def _last_job(project):
    return project.list_jobs()[0].to_job()


def test_recipe_run_writes_output_and_commits_the_new_schema(churn):
    assert _rows(churn, "customers_clean") == []
    job = churn.get_recipe("compute_customers_clean").run(wait=True, no_fail=False)

    status = job.get_status()["baseStatus"]
    assert status["state"] == "DONE"
    assert status["def"]["projectKey"] == "CHURN" and status["def"]["id"] == job.id
    columns = churn.get_dataset("customers_clean").get_schema()["columns"]
    assert [(c["name"], c["type"]) for c in columns][-2:] == [("lifetime_value", "double"), ("long_term", "boolean")]
    rows = _rows(churn, "customers_clean")
    assert len(rows) == PAYING_CUSTOMERS
    alice = rows[0]
    assert alice[:2] == [1, "Alice Martin"] and alice[-2:] == [2337.4, True]
    git = churn.get_project_git()
    head = git.log(count=1)["entries"][0]
    assert head["message"] == "Updated schema of dataset CHURN.customers_clean (post-run schema update)"
    churn.get_recipe("compute_customers_clean").run()  # same schema again: nothing to commit
    assert git.log(count=1)["entries"][0]["commit"] == head["commit"]


def test_in_explicit_commit_mode_the_schema_update_stays_uncommitted(dss, churn):
    finance = dss.client().get_project("FINANCE_REPORTS")
    finance.get_recipe("compute_monthly_totals").run()
    status = finance.get_project_git().get_status()
    assert status["modified"] == ["datasets/monthly_totals.json"]
    assert [r[0] for r in finance.get_dataset("monthly_totals").iter_rows()] == ["2024-01", "2024-02", "2024-03"]


def test_failing_recipe_fails_the_job_with_the_traceback_in_the_log(churn):
    set_recipe_code(churn, "compute_customers_clean",
                    "import dataiku\n\ndef check(df):\n    raise ValueError('no customers today')\n\n"
                    "check(dataiku.Dataset('customers_raw').get_dataframe())\n")
    with pytest.raises(DataikuException, match="^Job run did not finish. Status: FAILED$"):
        churn.get_recipe("compute_customers_clean").run(wait=True, no_fail=False)

    job = _last_job(churn)
    status = job.get_status()["baseStatus"]
    assert status["state"] == "FAILED"
    activity = status["activities"]["compute_customers_clean_NP"]
    assert activity["firstFailure"]["message"] == (
        "Error in Python process: At line 4: <class 'ValueError'>: no customers today")
    log = job.get_log()
    assert "Traceback (most recent call last):" in log
    assert 'line 4, in check' in log and "ValueError: no customers today" in log
    assert "_bootstrap" not in log
    assert job.get_log(activity="compute_customers_clean_NP").count("Traceback") == 1
    assert _rows(churn, "customers_clean") == []  # nothing installed from a failed run


def test_writing_to_a_dataset_that_is_not_an_output_fails(churn):
    set_recipe_code(churn, "compute_customers_clean",
                    "import dataiku\ndf = dataiku.Dataset('customers_raw').get_dataframe()\n"
                    "dataiku.Dataset('customers_copy').write_with_schema(df)\n")
    job = churn.get_recipe("compute_customers_clean").run(no_fail=True)
    assert job.get_status()["baseStatus"]["state"] == "FAILED"
    assert ("Dataset CHURN.customers_copy cannot be written by recipe compute_customers_clean: declare it as an "
            "output of the recipe") in job.get_log()
    assert _rows(churn, "customers_copy") == []


def test_reading_a_dataset_that_is_not_an_input_fails(churn):
    set_recipe_code(churn, "compute_customers_clean",
                    "import dataiku\ndataiku.Dataset('customers_copy').get_dataframe()\n")
    job = churn.get_recipe("compute_customers_clean").run(no_fail=True)
    assert job.get_status()["baseStatus"]["state"] == "FAILED"
    assert "Dataset CHURN.customers_copy cannot be used : declare it as input or output" in job.get_log()


def test_sync_recipe_copies_data_and_schema(churn):
    churn.get_recipe("compute_customers_clean").run()
    churn.get_recipe("sync_customers_copy").run()
    assert _rows(churn, "customers_copy") == _rows(churn, "customers_clean")
    assert churn.get_dataset("customers_copy").get_schema()["columns"] == \
        churn.get_dataset("customers_clean").get_schema()["columns"]


def test_non_recursive_build_does_not_build_upstream(churn):
    with pytest.raises(DataikuException, match="Status: FAILED"):
        churn.get_recipe("sync_customers_copy").run()
    assert "Dataset CHURN.customers_clean has no data" in _last_job(churn).get_log()


def test_recursive_forced_build_runs_upstream_recipes_first(churn):
    job = churn.get_dataset("customers_copy").build(job_type="RECURSIVE_FORCED_BUILD")
    activities = job.get_status()["baseStatus"]["activities"]
    assert [a["recipeName"] for a in activities.values()] == ["compute_customers_clean", "sync_customers_copy"]
    assert len(_rows(churn, "customers_copy")) == PAYING_CUSTOMERS


def test_smart_build_reruns_only_what_is_out_of_date(churn):
    def built(job):
        return [a["recipeName"] for a in job.get_status()["baseStatus"]["activities"].values()]

    copy = churn.get_dataset("customers_copy")
    assert built(copy.build(job_type="RECURSIVE_BUILD")) == ["compute_customers_clean", "sync_customers_copy"]
    assert built(copy.build(job_type="RECURSIVE_BUILD")) == []
    code = churn.get_recipe("compute_customers_clean").get_settings().get_code()
    set_recipe_code(churn, "compute_customers_clean", code.replace("] > 0", "] > 50"))
    assert built(copy.build(job_type="RECURSIVE_BUILD")) == ["compute_customers_clean", "sync_customers_copy"]
    assert len(_rows(churn, "customers_copy")) == 8  # customers spending more than 50 a month


def test_missing_only_build_builds_datasets_without_data(churn):
    copy = churn.get_dataset("customers_copy")
    churn.get_recipe("compute_customers_clean").run()
    job = copy.build(job_type="RECURSIVE_MISSING_ONLY_BUILD")
    assert [a["recipeName"] for a in job.get_status()["baseStatus"]["activities"].values()] == ["sync_customers_copy"]


def test_recipe_code_sees_variables_and_the_dataiku_helpers(churn):
    churn.set_variables({"standard": {"min_monthly_spend": 0, "label": "std"}, "local": {"label": "local"}})
    set_recipe_code(churn, "compute_customers_clean", """
import dataiku
import pandas as pd
from dataiku import pandasutils as pdu

variables = dataiku.get_custom_variables()
typed = dataiku.get_custom_variables(typed=True)
raw = dataiku.Dataset("customers_raw")
audit = pdu.audit(raw.get_dataframe())
out = dataiku.Dataset("customers_clean")
out.write_schema([{"name": "key", "type": "string"}, {"name": "value", "type": "string"}])
with out.get_writer() as writer:
    writer.write_row_dict({"key": "project", "value": dataiku.default_project_key()})
    writer.write_row_dict({"key": "label", "value": variables["label"]})
    writer.write_tuple(("min_spend_type", type(typed["min_monthly_spend"]).__name__))
    writer.write_tuple(("columns_audited", str(len(audit))))
    writer.write_tuple(("first_id", str(next(raw.iter_rows())["customer_id"])))
""")
    churn.get_recipe("compute_customers_clean").run()
    assert _rows(churn, "customers_clean") == [["project", "CHURN"], ["label", "local"], ["min_spend_type", "int"],
                                               ["columns_audited", "7"], ["first_id", "1"]]


def test_abort_kills_the_running_recipe(churn):
    set_recipe_code(churn, "compute_customers_clean", "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    job = churn.get_recipe("compute_customers_clean").run(wait=False)
    wait_until(lambda: "started" in job.get_log(), what="the recipe to start")
    assert [j.job_id for j in churn.list_running_jobs()] == [job.id]
    assert job.id in [j.job_id for j in churn.client.list_running_jobs()]
    job.abort()
    assert DSSJobWaiter(job).wait(no_fail=True) == "ABORTED"
    assert churn.list_running_jobs() == []


def test_jobs_of_a_project_run_one_at_a_time(churn):
    set_recipe_code(churn, "compute_customers_clean", "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    first = churn.get_recipe("compute_customers_clean").run(wait=False)
    second = churn.get_dataset("customers_copy").build(job_type="NON_RECURSIVE_FORCED_BUILD", wait=False)
    wait_until(lambda: "started" in first.get_log(), what="the first job to start")
    assert second.get_status()["baseStatus"]["state"] == "NOT_STARTED"
    second.abort()
    first.abort()
    assert DSSJobWaiter(second).wait(no_fail=True) == "ABORTED"
    assert DSSJobWaiter(first).wait(no_fail=True) == "ABORTED"


def test_flow_graph_links_recipes_and_datasets(churn):
    nodes = churn.get_flow().get_graph().nodes
    assert nodes["compute_customers_clean"]["type"] == "RUNNABLE_RECIPE"
    assert nodes["compute_customers_clean"]["predecessors"] == ["customers_raw"]
    assert nodes["compute_customers_clean"]["successors"] == ["customers_clean"]
    assert nodes["customers_clean"] == {"ref": "customers_clean", "type": "COMPUTABLE_DATASET", "projectKey": "CHURN",
                                        "predecessors": ["compute_customers_clean"],
                                        "successors": ["sync_customers_copy"]}


def test_job_list_items_and_log_scoping(churn):
    job = churn.get_recipe("compute_customers_clean").run()
    assert re.fullmatch(r"build_customers_clean_NP_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}", job.id)
    item = churn.list_jobs()[0]
    assert item.job_id == job.id and item.project_key == "CHURN"
    assert item.start_time is not None and item.end_time is not None
    assert item["stableState"] is True and item["state"] == "DONE" and item["warningsCount"] == 0
    assert item["def"]["type"] == "NON_RECURSIVE_FORCED_BUILD" and item["def"]["triggeredFrom"] == "API"
    assert item["def"]["outputs"] == [
        {"targetDataset": "customers_clean", "targetDatasetProjectKey": "CHURN", "type": "DATASET"}]
    with pytest.raises(DataikuException, match="has no activity 'nope'"):
        job.get_log(activity="nope")


def test_unstable_jobs_are_aborted_as_the_developer_guide_does(churn):
    set_recipe_code(churn, "compute_customers_clean", "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    running = churn.get_recipe("compute_customers_clean").run(wait=False)
    queued = churn.get_dataset("customers_copy").build(job_type="NON_RECURSIVE_FORCED_BUILD", wait=False)
    wait_until(lambda: "started" in running.get_log(), what="the first job to start")
    items = {item.job_id: item for item in churn.list_jobs()}
    assert items[queued.id]["startTime"] == 0 and items[queued.id]["endTime"] == 0
    assert items[queued.id].start_time is None and items[running.id]["endTime"] == 0
    assert items[running.id]["startTime"] > 0 and items[running.id].start_time is not None
    for job in churn.list_jobs():  # the Developer Guide's abort example (EV-J01)
        if job["stableState"] == False:  # noqa: E712 (the guide's own test)
            churn.get_job(job["def"]["id"]).abort()
    assert DSSJobWaiter(running).wait(no_fail=True) == "ABORTED"
    assert DSSJobWaiter(queued).wait(no_fail=True) == "ABORTED"
    assert [(j["stableState"], j["state"]) for j in churn.list_jobs()] == [(True, "ABORTED"), (True, "ABORTED")]


@pytest.mark.parametrize(("definition", "error"), [
    ({"type": "FULL_BUILD", "outputs": [{"id": "customers_clean"}]}, "Invalid job type: 'FULL_BUILD'"),
    ({"type": "RECURSIVE_BUILD", "outputs": []}, "outputs must be a non-empty list"),
    ({"outputs": [{"id": "nope", "type": "DATASET"}]}, "NotFoundException: dataset nope does not exist"),
    ({"outputs": [{"id": "customers_clean", "type": "MANAGED_FOLDER"}]},
     "Unsupported job output type outputs\\[0\\].type: 'MANAGED_FOLDER'"),
    ({"outputs": [{"id": "customers_clean", "projectKey": "OTHER"}]}, "outputs\\[0\\].projectKey: 'OTHER'"),
])
def test_invalid_job_definitions_are_refused(churn, definition, error):
    with pytest.raises(DataikuException, match=error):
        churn.start_job(definition)


def test_starting_a_job_needs_write_access(dss, churn):
    reader = dss.client(api_key=dss.create_api_key(label="ci", projects={"CHURN": "read"})).get_project("CHURN")
    with pytest.raises(DataikuException, match="does not have write access to project CHURN"):
        reader.get_recipe("compute_customers_clean").run()
    assert reader.list_jobs() == []


def test_unknown_job_is_not_found(churn):
    with pytest.raises(DataikuException, match="NotFoundException: Job nope does not exist in project CHURN"):
        churn.get_job("nope").get_status()
