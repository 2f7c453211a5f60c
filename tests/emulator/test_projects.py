"""Projects through the real dataikuapi client."""
import pytest
from dataikuapi.utils import DataikuException


def test_create_then_list_projects(dss):
    client = dss.client()
    client.create_project("ALPHA", "Alpha", "admin", description="first")
    client.create_project("BETA", "Beta", "admin")
    assert [p["projectKey"] for p in client.list_projects()] == ["ALPHA", "BETA"]
    assert client.list_project_keys() == ["ALPHA", "BETA"]
    assert client.get_project("ALPHA").get_metadata()["label"] == "Alpha"


def test_duplicate_project_key_is_refused(dss):
    client = dss.client()
    client.create_project("ALPHA", "Alpha", "admin")
    with pytest.raises(DataikuException, match="ALPHA already exists"):
        client.create_project("ALPHA", "Again", "admin")


def test_unknown_project_is_not_found(dss):
    with pytest.raises(DataikuException, match="NotFoundException: Project NOPE does not exist"):
        dss.client().get_project("NOPE").get_metadata()


def test_bad_key_is_unauthorized(dss):
    with pytest.raises(DataikuException, match="UnauthorizedException"):
        dss.client(api_key="not-a-key").list_projects()
