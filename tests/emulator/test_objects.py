"""Datasets, recipes, scenarios and project folders through the real dataikuapi client."""
import io
import threading

import pytest
from dataikuapi.dss.dataset import FSLikeDatasetSettings
from dataikuapi.dss.recipe import CodeRecipeSettings, SyncRecipeSettings
from dataikuapi.utils import DataikuException

CSV = b"id,name,score,active\n1,ann,1.5,true\n2,bob,2.25,false\n3,cid,,true\n"


def _project(dss, key="P1", mode="AUTO"):
    return dss.client().create_project(key, key.title(), "admin", settings={"gitCommitMode": mode})


def _messages(project, count=100):
    return [e["message"] for e in project.get_project_git().log(count=count)["entries"]]


def _uploaded(project, name="raw", content=CSV):
    dataset = project.create_upload_dataset(name)
    dataset.uploaded_add_file(io.BytesIO(content), f"{name}.csv")
    return dataset


# --- datasets ------------------------------------------------------------------------------------------------
def test_uploaded_dataset_infers_schema_and_serves_rows(dss):
    project = _project(dss)
    dataset = _uploaded(project)
    assert dataset.get_schema()["columns"] == [{"name": "id", "type": "bigint"}, {"name": "name", "type": "string"},
                                               {"name": "score", "type": "double"},
                                               {"name": "active", "type": "boolean"}]
    assert list(dataset.iter_rows()) == [[1, "ann", 1.5, True], [2, "bob", 2.25, False], [3, "cid", None, True]]
    assert list(dataset.iter_rows(columns=["name", "id"])) == [["ann", 1], ["bob", 2], ["cid", 3]]
    assert [f["path"] for f in dataset.uploaded_list_files()] == ["/data.csv"]
    [item] = project.list_datasets()
    assert (item.name, item.type, item["projectKey"]) == ("raw", "UploadedFiles", "P1")
    assert "uploadConnection" not in item["params"]  # the built-in upload location, not a connection (EV-D03)
    info = dataset.get_info().get_raw()
    assert info["hasData"] and info["dataset"]["name"] == "raw"
    assert _messages(project)[:2] == ["Saved dataset: P1.raw", "Created dataset P1.raw"]


def test_dataset_settings_round_trip_bumps_version_and_skips_no_op_saves(dss):
    project = _project(dss)
    dataset = project.create_dataset("files", "Filesystem", params={"connection": "filesystem_managed",
                                                                     "path": "${projectKey}/files"}, formatType="csv")
    settings = dataset.get_settings()
    assert isinstance(settings, FSLikeDatasetSettings)
    assert settings.get_raw()["formatParams"]["separator"] == ","
    settings.add_raw_schema_column({"name": "city", "type": "string"})
    settings.save()
    again = dataset.get_settings().get_raw()
    assert again["schema"]["columns"] == [{"name": "city", "type": "string"}]
    assert again["versionTag"]["versionNumber"] == 2
    commits = len(_messages(project))
    dataset.get_settings().save()  # nothing changed: no commit
    assert len(_messages(project)) == commits
    assert _messages(project)[0] == "Saved dataset: P1.files"


def test_dataset_metadata_and_tag_filter(dss):
    project = _project(dss)
    project.create_upload_dataset("a")
    project.create_upload_dataset("b")
    meta = project.get_dataset("a").get_metadata()
    meta["tags"] = ["gold"]
    meta["description"] = "curated"
    project.get_dataset("a").set_metadata(meta)
    assert project.get_dataset("a").get_metadata()["description"] == "curated"
    assert [d.name for d in project.list_datasets(tags=["gold"])] == ["a"]
    assert [d.name for d in project.list_datasets()] == ["a", "b"]


def test_managed_dataset_creation_and_delete(dss):
    project = _project(dss)
    dataset = project.new_managed_dataset("out").with_store_into("filesystem_managed").create()
    raw = dataset.get_settings().get_raw()
    assert raw["managed"] and raw["params"] == {"connection": "filesystem_managed", "path": "${projectKey}/out"}
    dataset.delete()
    assert not dataset.exists()
    assert _messages(project)[:2] == ["Deleted dataset P1.out", "Created dataset P1.out"]


def test_delete_with_drop_data_removes_the_data(dss):
    project = _project(dss)
    _uploaded(project).delete(drop_data=True)
    dataset = project.create_upload_dataset("raw")
    assert list(dataset.iter_rows()) == []


@pytest.mark.parametrize("schema, field", [
    ({"columns": [{"name": "x", "type": "varchar"}]}, "schema.columns[0].type: 'varchar'"),
    ({"columns": [{"type": "string"}]}, "schema.columns[0]"),
    ({"columns": "x"}, "schema.columns: expected a list, got 'x'"),
])
def test_bad_schema_is_refused_naming_the_field(dss, schema, field):
    dataset = _project(dss).create_upload_dataset("raw")
    with pytest.raises(DataikuException, match=f"Invalid {field}".replace("[", r"\[").replace("]", r"\]")):
        dataset.set_schema(schema)


def test_dataset_name_type_and_duplicates_are_checked(dss):
    project = _project(dss)
    project.create_upload_dataset("raw")
    with pytest.raises(DataikuException, match="Dataset P1.raw already exists"):
        project.create_upload_dataset("raw")
    with pytest.raises(DataikuException, match="Invalid dataset name: 'bad name'"):
        project.create_upload_dataset("bad name")
    with pytest.raises(DataikuException, match="Invalid dataset type: ''"):
        project.create_dataset("x", "")
    with pytest.raises(DataikuException, match="NotFoundException: dataset nope does not exist in project P1"):
        project.get_dataset("nope").get_settings()


def test_upload_into_a_managed_dataset_is_refused(dss):
    project = _project(dss)
    project.new_managed_dataset("out").with_store_into("filesystem_managed").create()
    with pytest.raises(DataikuException, match="not an uploaded files dataset"):
        project.get_dataset("out").uploaded_add_file(io.BytesIO(CSV), "x.csv")


# --- recipes -------------------------------------------------------------------------------------------------
def test_python_recipe_code_round_trip(dss):
    project = _project(dss)
    _uploaded(project)
    code = 'import dataiku\ndf = dataiku.Dataset("raw").get_dataframe()\n'
    recipe = (project.new_recipe("python").with_input("raw")
              .with_new_output_dataset("clean", "filesystem_managed").with_script(code).create())
    assert recipe.name == "compute_clean"
    settings = recipe.get_settings()
    assert isinstance(settings, CodeRecipeSettings)
    assert settings.get_code() == code
    assert settings.get_flat_input_refs() == ["raw"] and settings.get_flat_output_refs() == ["clean"]
    settings.set_code(code + 'dataiku.Dataset("clean").write_with_schema(df)\n')
    settings.save()
    assert recipe.get_settings().get_code().endswith("write_with_schema(df)\n")
    assert _messages(project)[0] == "Saved recipe: P1.compute_clean"
    assert [(r.name, r.type) for r in project.list_recipes()] == [("compute_clean", "python")]


def test_sync_recipe_creates_its_output(dss):
    project = _project(dss)
    _uploaded(project)
    recipe = project.new_recipe("sync", "copy_raw").with_input("raw").with_new_output("raw_copy",
                                                                                       "filesystem_managed").create()
    assert isinstance(recipe.get_settings(), SyncRecipeSettings)
    assert recipe.get_settings().str_payload == ""
    assert project.get_dataset("raw_copy").get_settings().get_raw()["managed"] is True
    assert _messages(project)[:2] == ["Created recipe P1.copy_raw", "Created dataset P1.raw_copy"]


def test_recipe_errors_name_the_field(dss):
    project = _project(dss)
    _uploaded(project)
    with pytest.raises(DataikuException, match="dataset P1.missing does not exist"):
        project.new_recipe("python").with_input("missing").with_output("raw").create()
    recipe = project.new_recipe("python", "r1").with_input("raw").with_new_output_dataset(
        "out", "filesystem_managed").create()
    settings = recipe.get_settings()
    settings.get_recipe_raw_definition()["type"] = "sync"
    with pytest.raises(DataikuException, match="Invalid recipe.type: 'sync'"):
        settings.save()
    with pytest.raises(DataikuException, match="Recipe P1.r1 already exists"):
        project.new_recipe("python", "r1").with_input("raw").with_output("out").create()


def test_delete_recipe(dss):
    project = _project(dss)
    _uploaded(project)
    recipe = project.new_recipe("python", "r1").with_input("raw").with_new_output_dataset(
        "out", "filesystem_managed").create()
    recipe.delete()
    assert project.list_recipes() == []
    assert _messages(project)[0] == "Deleted recipe P1.r1"
    with pytest.raises(DataikuException, match="NotFoundException"):
        recipe.get_settings()


# --- scenarios -----------------------------------------------------------------------------------------------
def test_scenario_create_list_and_save_steps(dss):
    project = _project(dss)
    scenario = project.create_scenario("Nightly build", "step_based")
    assert scenario.id == "NIGHTLY_BUILD"
    assert project.create_scenario("Nightly build", "step_based").id == "NIGHTLY_BUILD_1"
    settings = scenario.get_settings()
    settings.raw_steps.append({"id": "b", "name": "build", "type": "build_flowitem",
                               "params": {"builds": [{"type": "DATASET", "itemId": "x"}]}})
    settings.get_raw()["markedAsTest"] = True
    settings.save()
    assert scenario.get_settings().raw_steps[0]["id"] == "b"
    item = next(s for s in project.list_scenarios() if s["id"] == "NIGHTLY_BUILD")
    assert (item["name"], item["markedAsTest"], item["running"], item["nextRun"], item["projectKey"]) == \
        ("Nightly build", True, False, 0, "P1")
    assert item["triggerDigestItems"] == []
    assert "Saved scenario: P1.NIGHTLY_BUILD" in _messages(project)


def test_custom_python_scenario_script(dss):
    project = _project(dss)
    scenario = project.create_scenario("Scripted", "custom_python")
    settings = scenario.get_settings()
    settings.code = "print('hello')\n"
    settings.save()
    assert scenario.get_settings().code == "print('hello')\n"


def test_scenario_errors(dss):
    project = _project(dss)
    with pytest.raises(DataikuException, match="Invalid scenario type: 'cron'"):
        project.create_scenario("x", "cron")
    scenario = project.create_scenario("x", "step_based")
    settings = scenario.get_settings()
    settings.get_raw()["params"]["steps"] = "nope"
    with pytest.raises(DataikuException, match="Invalid params.steps"):
        settings.save()
    scenario.delete()
    assert project.list_scenarios() == []


# --- commit modes and concurrency ----------------------------------------------------------------------------
def test_explicit_mode_leaves_changes_uncommitted(dss):
    project = _project(dss, mode="EXPLICIT")
    _uploaded(project)
    assert _messages(project) == ["Created project P1"]
    status = project.get_project_git().get_status()
    assert status["hasUncommittedChanges"] and not status["clean"]


def test_concurrent_writes_all_land(dss):
    project = _project(dss)
    errors = []

    def work(i):
        try:
            _uploaded(project, f"ds_{i}")
            recipe = project.new_recipe("python", f"r_{i}").with_input(f"ds_{i}").with_new_output_dataset(
                f"out_{i}", "filesystem_managed").create()
            for version in range(3):
                settings = recipe.get_settings()
                settings.set_code(f"# thread {i} version {version}\n")
                settings.save()
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(project.list_datasets()) == 16
    assert {project.get_recipe(f"r_{i}").get_settings().get_code() for i in range(8)} == \
        {f"# thread {i} version 2\n" for i in range(8)}
    messages = _messages(project, 1000)
    for i in range(8):
        assert messages.count(f"Saved recipe: P1.r_{i}") == 3
        assert f"Created dataset P1.ds_{i}" in messages and f"Created recipe P1.r_{i}" in messages
    assert project.get_project_git().get_status()["clean"]


# --- project folders -----------------------------------------------------------------------------------------
def test_root_folder_lists_the_projects_a_key_can_read(dss):
    client = dss.client()
    _project(dss, "P1")
    _project(dss, "P2")
    root = client.get_root_project_folder()
    assert (root.id, root.list_project_keys()) == ("ROOT", ["P1", "P2"])
    assert client.get_project("P2").get_project_folder().id == "ROOT"
    scoped = dss.client(api_key=dss.create_api_key("design", label="ci", projects={"P2": "read"}))
    assert scoped.get_root_project_folder().list_project_keys() == ["P2"]
    with pytest.raises(DataikuException, match="No project folder abc"):
        client.get_project_folder("abc")
