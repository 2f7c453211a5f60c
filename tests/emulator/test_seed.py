"""Seeding through the client-side generator (``seed_instance``) and the control API, read back with dataikuapi."""
import io
import sys
import types

import pandas as pd
import pytest

from dss_emulator.seeding import SeedError, seed_instance


def _seed(dss, name="design", **kwargs):
    return list(seed_instance(dss.url(name), dss.admin_key(name), **kwargs))


def test_sample_seed_reports_progress_and_is_idempotent(dss):
    lines = _seed(dss, sample=True)
    assert lines[0] == f"seeding design (design) at {dss.url('design')}"
    assert "  project CHURN (AUTO): 3 datasets, 2 recipes, 2 scenarios — created" in lines
    assert "  development plugin dss-custom-connectors — created" in lines
    again = _seed(dss, sample=True)
    assert sum("already there" in line for line in again) == 4
    assert dss.client().list_project_keys() == ["CHURN", "FINANCE_REPORTS", "SALES_FORECAST"]


def test_churn_sample_has_the_promised_flow(dss):
    _seed(dss, sample=True)
    churn = dss.client().get_project("CHURN")
    assert [d.name for d in churn.list_datasets()] == ["customers_clean", "customers_copy", "customers_raw"]
    assert {r.name: r.type for r in churn.list_recipes()} == {"compute_customers_clean": "python",
                                                             "sync_customers_copy": "sync"}
    code = churn.get_recipe("compute_customers_clean").get_settings().get_code()
    assert 'dataiku.Dataset("customers_raw").get_dataframe()' in code
    assert 'dataiku.Dataset("customers_clean").write_with_schema(' in code
    sync = churn.get_recipe("sync_customers_copy").get_settings()
    assert (sync.get_flat_input_refs(), sync.get_flat_output_refs()) == (["customers_clean"], ["customers_copy"])
    smoke = churn.get_scenario("TEST_SMOKE").get_settings()
    assert smoke.get_raw()["markedAsTest"] is True
    assert smoke.raw_steps[0]["params"]["builds"] == [{"type": "DATASET", "itemId": "customers_clean"}]
    assert churn.get_variables()["standard"] == {"min_monthly_spend": 0, "long_term_months": 12}
    export = churn.get_settings().get_raw()["bundleExporterSettings"]["exportOptions"]
    assert export["includedDatasetsData"] == [{"name": "customers_raw", "type": "UploadedFiles"}]
    rows = list(churn.get_dataset("customers_raw").iter_rows())
    assert len(rows) == 20 and rows[0][:2] == [1, "Alice Martin"]
    assert [e["message"] for e in churn.get_project_git().log()["entries"]] == ["Created project CHURN"]
    assert churn.get_project_git().get_status()["clean"]


def test_other_samples_and_commit_modes(dss):
    _seed(dss, sample=True)
    client = dss.client()
    finance = client.get_project("FINANCE_REPORTS")
    assert finance.get_settings().get_raw()["settings"]["gitCommitMode"] == "EXPLICIT"
    assert [r.name for r in finance.list_recipes()] == ["compute_monthly_totals"]
    sales = client.get_project("SALES_FORECAST")
    assert client.get_project("CHURN").get_settings().get_raw()["settings"]["gitCommitMode"] == "AUTO"
    assert {r.name: r.type for r in sales.list_recipes()} == {"compute_sales_by_region": "python",
                                                             "sync_sales_report": "sync"}
    assert len(list(sales.get_dataset("sales_raw").iter_rows())) == 15


class _FakeDataiku(types.ModuleType):
    """Just enough of ``dataiku`` to run the sample code with pandas: datasets are DataFrames in a dict."""

    def __init__(self, frames):
        super().__init__("dataiku")
        self.frames = frames
        fake = self

        class Dataset:
            def __init__(self, name):
                self.name = name

            def get_dataframe(self):
                return fake.frames[self.name].copy()

            def write_with_schema(self, df):
                fake.frames[self.name] = df.reset_index(drop=True)

        self.Dataset = Dataset


def test_sample_python_code_runs_against_its_inputs(dss, monkeypatch):
    """The recipes and test steps of the samples are real pandas code: run them on the seeded data."""
    _seed(dss, sample=True)
    client = dss.client()
    for key, recipe, check in (("CHURN", "compute_customers_clean", ("TEST_SMOKE", "check_clean")),
                               ("SALES_FORECAST", "compute_sales_by_region", ("TEST_REVENUE", "check_regions")),
                               ("FINANCE_REPORTS", "compute_monthly_totals", None)):
        project = client.get_project(key)
        settings = project.get_recipe(recipe).get_settings()
        [source] = settings.get_flat_input_refs()
        [target] = settings.get_flat_output_refs()
        columns = [c["name"] for c in project.get_dataset(source).get_schema()["columns"]]
        frames = {source: pd.DataFrame(list(project.get_dataset(source).iter_rows()), columns=columns)}
        monkeypatch.setitem(sys.modules, "dataiku", _FakeDataiku(frames))
        exec(compile(settings.get_code(), recipe, "exec"), {})
        assert len(frames[target]) > 0
        if check:
            steps = {s["id"]: s for s in project.get_scenario(check[0]).get_settings().raw_steps}
            exec(compile(steps[check[1]]["params"]["script"], check[1], "exec"), {})
    assert len(frames["monthly_totals"]) == 3


def test_synthetic_projects_one_commit_each(dss):
    lines = _seed(dss, synthetic=3)
    assert lines[-1] == "  synthetic projects: 3/3 (up to SYNTH_00003, 3 created)"
    client = dss.client()
    assert client.list_project_keys() == ["SYNTH_00001", "SYNTH_00002", "SYNTH_00003"]
    project = client.get_project("SYNTH_00002")
    assert [d.name for d in project.list_datasets()] == ["events", "events_copy"]
    assert [(r.name, r.type) for r in project.list_recipes()] == [("sync_events", "sync")]
    assert len(project.get_project_git().log()["entries"]) == 1
    result = dss.control("design", "POST", "seed", {"synthetic": 3, "offset": 2})
    assert (result["created"], result["skipped"], result["last"]) == (2, 1, "SYNTH_00005")


def test_sample_on_an_automation_node_installs_only_the_plugin(dss):
    lines = _seed(dss, "prod", sample=True)
    assert lines == [f"seeding prod (automation) at {dss.url('prod')}",
                     "  plugin dss-custom-connectors — created"]


def test_seed_instance_reports_bad_input_and_bad_keys(dss):
    with pytest.raises(SeedError, match="refused the API key"):
        list(seed_instance(dss.url("design"), "wrong-key", sample=True))
    with pytest.raises(SeedError, match="nothing to seed"):
        list(seed_instance(dss.url("design"), dss.admin_key("design")))
    with pytest.raises(SeedError, match="synthetic must be a positive number"):
        list(seed_instance(dss.url("design"), dss.admin_key("design"), synthetic=-2))
    reader = dss.create_api_key("design", label="reader")
    with pytest.raises(SeedError, match="HTTP 403"):
        list(seed_instance(dss.url("design"), reader, sample=True))
    with pytest.raises(SeedError, match="cannot reach"):
        list(seed_instance("http://127.0.0.1:9", "k", sample=True))


def test_uploaded_sample_data_is_plain_csv(dss):
    """The data sits outside git as one CSV with a header row, which the client can re-upload unchanged."""
    _seed(dss, sample=True)
    churn = dss.client().get_project("CHURN")
    rows = list(churn.get_dataset("customers_raw").iter_rows())
    copy = churn.create_upload_dataset("again")
    header = ",".join(c["name"] for c in churn.get_dataset("customers_raw").get_schema()["columns"])
    body = "\n".join([header] + [",".join(str(v).lower() if isinstance(v, bool) else str(v) for v in r)
                                 for r in rows])
    copy.uploaded_add_file(io.BytesIO(body.encode()), "again.csv")
    assert list(copy.iter_rows()) == rows
