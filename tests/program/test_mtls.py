"""mTLS and CA bundle: discovery and onboarding reach a DSS node whose front door REQUIRES a client certificate.

The emulator serves HTTPS with a certificate of a CA made at test time and refuses any TLS handshake without a client
certificate of that CA. The certificate and the CA bundle reach the client only through private temporary files.
"""
from __future__ import annotations

import re
import stat
import tempfile
from pathlib import Path

import pytest

from components.discovery import DiscoveryError
from components.dss_remote import DssGitRemoteProvider
from components.program import design_client
from components.settings import ConfigError, parse_settings
from dss_emulator.config import parse_config
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle

from .certificates import Pki, make_pki
from .conftest import SECRETS, SHA, Runner
from .test_dss_remote import bare, github_with_generated_files
from .test_dss_remote import git as run_git

REPOSITORY = "github:index/repository:Repository"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def mtls_dss(tmp_path_factory, pki):
    """A design node behind an mTLS front door, holding project ALPHA."""
    config = parse_config({"data_dir": tmp_path_factory.mktemp("mtls-emulator"),
                           "local_remote_roots": [tmp_path_factory.getbasetemp()], "instances": [
        {"name": "design", "role": "design", "port": 0, "admin_key": "design-admin-key",
         "tls": {"certfile": str(pki.server_cert), "keyfile": str(pki.server_key), "client_ca": str(pki.ca_file)}}]})
    server = EmulatorServer(config).start()
    handle = EmulatorHandle(server)
    client_file = tmp_path_factory.mktemp("client") / "client.pem"
    client_file.write_text(pki.client_pem)
    client = handle.client()
    client._session.cert, client._session.verify = str(client_file), str(pki.ca_file)
    client.create_project("ALPHA", "Alpha", "admin")
    yield handle
    server.stop()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Where tempfile puts files during the test (to see that none is left behind)."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def _settings(handle: EmulatorHandle, **overrides: str):
    return parse_settings({
        "owner": "acme", "designUrl": handle.url("design"), "designApiKey": handle.admin_key("design"),
        "stagingAutomationUrl": "https://staging.example.com", "stagingInfraId": "staging",
        "prodAutomationUrl": "https://prod.example.com", "prodInfraId": "prod", "pluginRepositories": "false",
        "deployActionRepository": "acme/dataiku-gitops", "deployActionRef": SHA, **SECRETS, **overrides})


def test_discovery_presents_the_client_certificate_and_trusts_the_ca_bundle(mtls_dss, pki, private_tmp):
    assert mtls_dss.url("design").startswith("https://127.0.0.1:")
    run = Runner()
    result = run(_settings(mtls_dss, clientCertificate=pki.client_pem, caBundle=pki.ca_pem))
    assert [r.inputs["name"] for r in result.of_type(REPOSITORY)] == ["dss-alpha"]
    assert run.requests == ["GET /dip/publicapi/projects/"]
    assert list(private_tmp.iterdir()) == []  # certificate and bundle files removed


def test_without_the_client_certificate_the_front_door_refuses_discovery(mtls_dss, pki, private_tmp):
    with pytest.raises(DiscoveryError, match=r"could not reach DSS \((SSLError|ConnectionError)"):
        Runner()(_settings(mtls_dss, caBundle=pki.ca_pem))
    assert list(private_tmp.iterdir()) == []


def test_without_the_ca_bundle_dss_certificate_is_not_trusted(mtls_dss, pki):
    with pytest.raises(DiscoveryError, match="could not reach DSS .*CERTIFICATE_VERIFY_FAILED"):
        Runner()(_settings(mtls_dss, clientCertificate=pki.client_pem))


def test_the_pem_files_are_private_while_in_use_and_removed_after_an_error(mtls_dss, pki, private_tmp):
    settings = _settings(mtls_dss, clientCertificate=pki.client_pem, caBundle=pki.ca_pem)
    with pytest.raises(RuntimeError, match="boom"), design_client(settings) as client:
        paths = [Path(client._session.cert), Path(client._session.verify)]
        assert all(p.parent == private_tmp and stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
        assert paths[0].read_text().strip() == pki.client_pem.strip()
        raise RuntimeError("boom")
    assert list(private_tmp.iterdir()) == []


def test_onboarding_pushes_through_the_mtls_front_door(mtls_dss, pki, tmp_path, private_tmp):
    remote = bare(tmp_path, "dss-alpha.git")
    github_with_generated_files(tmp_path, remote)
    props = {"project_key": "ALPHA", "remote_url": str(remote), "branch": "dev", "prod_branch": "prod",
             "design_url": mtls_dss.url("design"), "api_key": mtls_dss.admin_key("design"), "ca_bundle": pki.ca_pem}
    refused = DssGitRemoteProvider().create({**props, "client_certificate": None}).outs["failure"]
    assert re.match(r"DSS project ALPHA: could not set the git remote: (SSLError|ConnectionError)", refused)
    outs = DssGitRemoteProvider().create({**props, "client_certificate": pki.client_pem}).outs
    assert run_git(remote, "rev-parse", "refs/heads/dev") == outs["pushed_commit"]
    assert "client_certificate" not in outs and "api_key" not in outs
    assert list(private_tmp.iterdir()) == []


def test_a_ca_bundle_path_instead_of_pem_is_refused(mtls_dss):
    with pytest.raises(ConfigError) as raised:
        _settings(mtls_dss, caBundle="/etc/ssl/ca.pem")
    assert str(raised.value) == ("caBundle: must be PEM certificates (-----BEGIN CERTIFICATE----- ...), not a path "
                                 "(got '/etc/ssl/ca.pem')")
