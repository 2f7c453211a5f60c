"""The sample content ``seed --sample`` creates: three design projects and one development plugin.

* ``CHURN`` (AUTO commits): uploaded ``customers_raw`` (its data travels in bundles), Python recipe
  ``compute_customers_clean`` -> managed ``customers_clean``, sync recipe ``sync_customers_copy`` ->
  ``customers_copy``, test scenario ``TEST_SMOKE`` and a ``variables.json``.
* ``SALES_FORECAST`` (AUTO): uploaded ``sales_raw``, Python ``compute_sales_by_region``, sync
  ``sync_sales_report``, test scenario ``TEST_REVENUE``.
* ``FINANCE_REPORTS`` (EXPLICIT commits): uploaded ``ledger`` and Python ``compute_monthly_totals``.
* development plugin ``dss-custom-connectors`` (its own git repository).

Synthetic projects (``SYNTH_00001`` ...) hold one uploaded dataset and one sync recipe copying it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .objects import shapes
from .projects import layout

OWNER = "admin"


@dataclass(frozen=True)
class SampleRecipe:
    name: str
    type: str  # python | sync
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    code: str = ""


@dataclass(frozen=True)
class SampleProject:
    key: str
    name: str
    description: str
    commit_mode: str
    uploads: dict[str, tuple[list[dict], str]]  # dataset -> (schema columns, CSV data with header)
    managed: dict[str, list[dict]]  # dataset -> schema columns (empty until a recipe writes it)
    recipes: tuple[SampleRecipe, ...]
    scenarios: tuple[dict, ...] = ()
    variables: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()


CUSTOMERS_CSV = """customer_id,name,country,plan,monthly_spend,tenure_months,churned
1,Alice Martin,FR,premium,89.9,26,false
2,Bruno Costa,PT,basic,19.9,3,true
3,Chloe Dubois,FR,standard,49.9,14,false
4,Daniel Weber,DE,premium,99.9,38,false
5,Emma Rossi,IT,basic,0,1,true
6,Farid Haddad,FR,standard,49.9,7,true
7,Greta Olsen,NO,premium,89.9,19,false
8,Hugo Moreau,BE,basic,19.9,11,false
9,Ines Garcia,ES,standard,54.9,22,false
10,Jonas Berg,SE,basic,19.9,2,true
11,Klara Novak,CZ,premium,94.9,30,false
12,Luca Bianchi,IT,standard,49.9,5,true
13,Maya Cohen,FR,basic,0,0,true
14,Nils Jensen,DK,standard,49.9,16,false
15,Olivia Brown,GB,premium,99.9,41,false
16,Pablo Ruiz,ES,basic,24.9,9,false
17,Quentin Leroy,FR,standard,54.9,13,false
18,Rosa Silva,PT,basic,19.9,4,true
19,Sven Larsson,SE,premium,89.9,27,false
20,Tara Walsh,IE,standard,49.9,8,false
"""

CUSTOMERS_CLEAN_CODE = '''# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

# Read the raw customers uploaded to DSS
customers = dataiku.Dataset("customers_raw").get_dataframe()

# Paying customers only, with a lifetime value and a tenure band
clean = customers[customers["monthly_spend"] > 0].copy()
clean["lifetime_value"] = (clean["monthly_spend"] * clean["tenure_months"]).round(2)
clean["long_term"] = clean["tenure_months"] >= 12

dataiku.Dataset("customers_clean").write_with_schema(clean)
'''

SALES_CSV = """order_date,region,product,units,unit_price
2024-01-05,north,widget,12,9.5
2024-01-07,south,widget,7,9.5
2024-01-11,east,gadget,3,24.0
2024-01-15,west,widget,9,9.5
2024-01-19,north,gadget,5,24.0
2024-02-02,south,gizmo,14,4.25
2024-02-06,east,widget,6,9.5
2024-02-09,west,gizmo,20,4.25
2024-02-14,north,widget,11,9.5
2024-02-21,south,gadget,2,24.0
2024-03-01,east,gizmo,16,4.25
2024-03-04,west,gadget,4,24.0
2024-03-12,north,gizmo,8,4.25
2024-03-18,south,widget,10,9.5
2024-03-25,east,gadget,5,24.0
"""

SALES_CODE = '''# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

sales = dataiku.Dataset("sales_raw").get_dataframe()
sales["revenue"] = sales["units"] * sales["unit_price"]

by_region = (sales.groupby("region", as_index=False)
             .agg(orders=("product", "count"), units=("units", "sum"), revenue=("revenue", "sum"))
             .sort_values("region"))

dataiku.Dataset("sales_by_region").write_with_schema(by_region)
'''

LEDGER_CSV = """entry_id,month,account,amount
1,2024-01,revenue,12000.0
2,2024-01,payroll,-7400.0
3,2024-01,rent,-1500.0
4,2024-02,revenue,13250.0
5,2024-02,payroll,-7400.0
6,2024-02,rent,-1500.0
7,2024-03,revenue,12875.5
8,2024-03,payroll,-7650.0
9,2024-03,rent,-1500.0
10,2024-03,equipment,-820.0
"""

FINANCE_CODE = '''# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

ledger = dataiku.Dataset("ledger").get_dataframe()
totals = ledger.groupby("month", as_index=False).agg(net=("amount", "sum"), entries=("entry_id", "count"))

dataiku.Dataset("monthly_totals").write_with_schema(totals)
'''

SMOKE_CHECK = '''import dataiku

df = dataiku.Dataset("customers_clean").get_dataframe()
assert len(df) > 0, "customers_clean is empty"
assert (df["monthly_spend"] > 0).all(), "customers_clean holds non-paying customers"
'''

REVENUE_CHECK = '''import dataiku

df = dataiku.Dataset("sales_by_region").get_dataframe()
assert sorted(df["region"]) == ["east", "north", "south", "west"], list(df["region"])
assert df["revenue"].sum() > 0
'''

SAMPLE_PROJECTS = (
    SampleProject(
        key="CHURN", name="Customer churn", commit_mode="AUTO", tags=("demo", "churn"),
        description="Cleans the customer base and flags long-term customers.",
        uploads={"customers_raw": (shapes.columns(
            ("customer_id", "bigint"), ("name", "string"), ("country", "string"), ("plan", "string"),
            ("monthly_spend", "double"), ("tenure_months", "bigint"), ("churned", "boolean")), CUSTOMERS_CSV)},
        managed={"customers_clean": [], "customers_copy": []},
        recipes=(SampleRecipe("compute_customers_clean", "python", ("customers_raw",), ("customers_clean",),
                              CUSTOMERS_CLEAN_CODE),
                 SampleRecipe("sync_customers_copy", "sync", ("customers_clean",), ("customers_copy",))),
        scenarios=(
            shapes.scenario("TEST_SMOKE", "Smoke test", OWNER, marked_as_test=True, steps=[
                shapes.build_step("build_clean", ["customers_clean"]),
                shapes.python_step("check_clean", SMOKE_CHECK, "Check customers_clean")]),
            shapes.scenario("REBUILD_ALL", "Rebuild the flow", OWNER, steps=[
                shapes.build_step("build_all", ["customers_copy"])]),
        ),
        variables={"min_monthly_spend": 0, "long_term_months": 12},
    ),
    SampleProject(
        key="SALES_FORECAST", name="Sales forecast", commit_mode="AUTO", tags=("demo", "sales"),
        description="Revenue per region, the input of the quarterly forecast.",
        uploads={"sales_raw": (shapes.columns(
            ("order_date", "string"), ("region", "string"), ("product", "string"), ("units", "bigint"),
            ("unit_price", "double")), SALES_CSV)},
        managed={"sales_by_region": [], "sales_report": []},
        recipes=(SampleRecipe("compute_sales_by_region", "python", ("sales_raw",), ("sales_by_region",), SALES_CODE),
                 SampleRecipe("sync_sales_report", "sync", ("sales_by_region",), ("sales_report",))),
        scenarios=(shapes.scenario("TEST_REVENUE", "Revenue test", OWNER, marked_as_test=True, steps=[
            shapes.build_step("build_regions", ["sales_by_region"]),
            shapes.python_step("check_regions", REVENUE_CHECK, "Check sales_by_region")]),),
        variables={"forecast_horizon_months": 3},
    ),
    SampleProject(
        key="FINANCE_REPORTS", name="Finance reports", commit_mode="EXPLICIT", tags=("demo", "finance"),
        description="Monthly totals of the ledger (changes are committed explicitly).",
        uploads={"ledger": (shapes.columns(("entry_id", "bigint"), ("month", "string"), ("account", "string"),
                                           ("amount", "double")), LEDGER_CSV)},
        managed={"monthly_totals": []},
        recipes=(SampleRecipe("compute_monthly_totals", "python", ("ledger",), ("monthly_totals",), FINANCE_CODE),),
    ),
)

PLUGIN_ID = "dss-custom-connectors"

PLUGIN_FILES = {
    "plugin.json": {
        "id": PLUGIN_ID, "version": "1.0.0",
        "meta": {"label": "Custom connectors", "description": "Read data from in-house REST APIs.",
                 "author": "Data platform team", "icon": "icon-cloud", "tags": ["Connector", "REST"],
                 "licenseInfo": "Apache Software License", "supportLevel": "NOT_SUPPORTED"},
    },
    "python-lib/custom_connectors/__init__.py": '"""Shared helpers of the custom connectors."""\n',
    "python-lib/custom_connectors/client.py": '''"""A minimal paginated REST client."""
import requests


def fetch_pages(url, page_size=100):
    """Yield the records of every page of ``url``."""
    page = 0
    while True:
        records = requests.get(url, params={"page": page, "size": page_size}, timeout=30).json()
        if not records:
            return
        yield from records
        page += 1
''',
    "python-connectors/rest-api/connector.json": {
        "meta": {"label": "REST API", "description": "Records of a paginated REST endpoint"},
        "readable": True, "writable": False,
        "params": [{"name": "url", "label": "Endpoint URL", "type": "STRING", "mandatory": True}],
    },
    "python-connectors/rest-api/connector.py": '''from dataiku.connector import Connector
from custom_connectors.client import fetch_pages


class RestApiConnector(Connector):
    def get_read_schema(self):
        return None

    def generate_rows(self, dataset_schema=None, dataset_partitioning=None, partition_id=None, records_limit=-1):
        for record in fetch_pages(self.config["url"]):
            yield record
''',
    "code-env/python/desc.json": {"acceptedPythonInterpreters": ["PYTHON311"], "installCorePackages": True},
    "code-env/python/spec/requirements.txt": "requests==2.34.2\n",
}


def project_params(sample: SampleProject) -> dict:
    """``params.json`` of a sample project, with its uploaded data included in bundles."""
    params = layout.new_params(sample.name, OWNER, description=sample.description, short_desc=sample.description,
                               tags=list(sample.tags), commit_mode=sample.commit_mode)
    params["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"] = [
        {"name": name, "type": "UploadedFiles"} for name in sample.uploads]
    return params


def project_files(sample: SampleProject) -> dict[str, str | dict]:
    """Every file of the sample project's git tree besides the DSS boilerplate."""
    files: dict[str, str | dict] = {}
    for name, (columns, _) in sample.uploads.items():
        files[f"datasets/{name}.json"] = shapes.uploaded_dataset(OWNER, columns)
    for name, columns in sample.managed.items():
        files[f"datasets/{name}.json"] = shapes.managed_dataset(name, OWNER, schema_columns=columns)
    for recipe in sample.recipes:
        files[f"recipes/{recipe.name}.json"] = shapes.recipe(
            recipe.type, OWNER, shapes.recipe_role(list(recipe.inputs), False),
            shapes.recipe_role(list(recipe.outputs), True))
        files[shapes.payload_path(recipe.name, recipe.type)] = recipe.code
    for scenario in sample.scenarios:
        files[f"scenarios/{scenario['id']}.json"] = scenario
    if sample.variables:
        files["variables.json"] = sample.variables
    return files


def synthetic_key(number: int) -> str:
    return f"SYNTH_{number:05d}"


def synthetic_project(number: int) -> tuple[dict, dict[str, str | dict]]:
    """``(params, files)`` of synthetic project ``number``: dataset ``events``, sync recipe to ``events_copy``."""
    params = layout.new_params(f"Synthetic project {number}", OWNER, tags=["synthetic"])
    files: dict[str, str | dict] = {
        "datasets/events.json": shapes.uploaded_dataset(OWNER, shapes.columns(("id", "bigint"), ("value", "double"))),
        "datasets/events_copy.json": shapes.managed_dataset("events_copy", OWNER),
        "recipes/sync_events.json": shapes.recipe("sync", OWNER, shapes.recipe_role(["events"], False),
                                                  shapes.recipe_role(["events_copy"], True)),
        "recipes/sync_events.sync": "",
    }
    return params, files


def describe(sample: SampleProject) -> str:
    """One line summarising a sample project (for seeding progress)."""
    counts = {"dataset": len(sample.uploads) + len(sample.managed), "recipe": len(sample.recipes),
              "scenario": len(sample.scenarios)}
    parts = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for what, n in counts.items())
    return f"{sample.key} ({sample.commit_mode}): {parts}"

