"""The starter tests.py: valid Python, configured only through the documented environment variables, TLS on."""
from __future__ import annotations

import ast
import importlib.util
import re

import dataikuapi
import pytest

from components.workflow_files import starter_tests_py
from tests.templates.conftest import PROJECT

ENV = ("DATAIKU_INSTANCE_URL", "DATAIKU_API_KEY", "DATAIKU_PROJECT_KEY", "DATAIKU_CLIENT_CERTIFICATE",
       "DATAIKU_INSECURE_TLS")


class RecordingClient:
    """Stands in for dataikuapi.DSSClient to capture how tests.py builds its client."""

    def __init__(self, host, **kwargs):
        self.host, self.kwargs = host, kwargs

    def get_project(self, key):
        return (self, key)


@pytest.fixture
def starter(tmp_path, monkeypatch):
    """The rendered tests.py imported as a module, with DSSClient recorded and a clean environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAIKU_INSTANCE_URL", "https://automation.example.com:11200")
    monkeypatch.setenv("DATAIKU_API_KEY", "not-a-real-key")
    monkeypatch.setattr(dataikuapi, "DSSClient", RecordingClient)
    path = tmp_path / "tests.py"
    path.write_text(starter_tests_py(PROJECT))
    spec = importlib.util.spec_from_file_location("starter_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_is_valid_python_that_reads_the_documented_variables():
    source = starter_tests_py(PROJECT)
    tree = ast.parse(compile(source, "tests.py", "exec", flags=ast.PyCF_ONLY_AST))
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert set(ENV) <= strings
    assert 'DEFAULT_PROJECT_KEY = "SALES_FORECAST"' in source


def test_verifies_tls_by_default_and_uses_the_environment(starter):
    client, key = starter._project()
    assert client.host == "https://automation.example.com:11200"
    assert client.kwargs == {"api_key": "not-a-real-key", "no_check_certificate": False, "client_certificate": None}
    assert key == "SALES_FORECAST"


def test_project_key_and_insecure_tls_are_opt_in(starter, monkeypatch):
    monkeypatch.setenv("DATAIKU_PROJECT_KEY", "SALES_FORECAST_PROD")
    monkeypatch.setenv("DATAIKU_INSECURE_TLS", "1")
    client, key = starter._project()
    assert client.kwargs["no_check_certificate"] is True and key == "SALES_FORECAST_PROD"


def test_client_certificate_is_a_file_path(starter, monkeypatch, tmp_path):
    pem = tmp_path / "client.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("DATAIKU_CLIENT_CERTIFICATE", str(pem))
    client, _ = starter._project()
    assert client.kwargs["client_certificate"] == str(pem)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DATAIKU_CLIENT_CERTIFICATE", "-----BEGIN CERTIFICATE-----",
     "DATAIKU_CLIENT_CERTIFICATE='-----BEGIN CERTIFICATE-----' is not a file (expected a PEM path)"),
    ("DATAIKU_INSECURE_TLS", "yes", "DATAIKU_INSECURE_TLS must be 0 or 1, got 'yes'"),
    ("DATAIKU_INSTANCE_URL", "", "environment variable DATAIKU_INSTANCE_URL is not set"),
    ("DATAIKU_API_KEY", " ", "environment variable DATAIKU_API_KEY is not set"),
])
def test_bad_configuration_is_reported(starter, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(pytest.UsageError, match=re.escape(message)):
        starter._project()
