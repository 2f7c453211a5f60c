"""The plugin's tests (pytest.ini puts python-lib on the path). Its pipeline runs them against the automation node
it just installed the plugin on (DATAIKU_INSTANCE_URL, DATAIKU_API_KEY, DATAIKU_PLUGIN_ID); the library tests need
no node."""
import json
import os
from pathlib import Path

from custom_connectors import client
from dataikuapi import DSSClient

ROOT = Path(__file__).resolve().parent.parent


def test_the_node_runs_this_version():
    dss = DSSClient(os.environ["DATAIKU_INSTANCE_URL"], os.environ["DATAIKU_API_KEY"])
    installed = {plugin["id"]: plugin["version"] for plugin in dss.list_plugins()}
    assert installed[os.environ["DATAIKU_PLUGIN_ID"]] == json.loads((ROOT / "plugin.json").read_text())["version"]


class Page:
    def __init__(self, records):
        self.records = records

    def json(self):
        return self.records


def test_fetch_pages_reads_every_page_including_the_last_short_one(monkeypatch):
    records = [{"id": i} for i in range(250)]
    asked = []

    def get(url, params, timeout):
        asked.append(params["page"])
        start = params["page"] * params["size"]
        return Page(records[start:start + params["size"]])

    monkeypatch.setattr(client.requests, "get", get)
    assert list(client.fetch_pages("https://api.example.invalid/items", page_size=100)) == records
    assert asked == [0, 1, 2, 3]
