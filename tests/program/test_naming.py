"""Naming: DSS key → repository name from the template; invalid or colliding names are errors."""
from __future__ import annotations

import pytest

from components.naming import NamingError, remote_url, repository_names, slug


def test_templates_render_keys_into_valid_names():
    names = repository_names(["SALES_FORECAST", "CHURN"], ["dss-custom-connectors"], "dss-{key_slug}",
                             "dss-plugin-{key}")
    assert names.projects == {"SALES_FORECAST": "dss-sales-forecast", "CHURN": "dss-churn"}
    assert names.plugins == {"dss-custom-connectors": "dss-plugin-dss-custom-connectors"}
    assert repository_names(["A_B"], [], "{key}", "p-{key}").projects == {"A_B": "A_B"}
    assert repository_names(["A_B"], [], "x.{key_lower}", "p-{key}").projects == {"A_B": "x.a_b"}


def test_slug_collapses_everything_but_letters_digits_and_dots():
    assert slug("SALES__FORECAST_") == "sales-forecast"
    assert slug("my.plugin") == "my.plugin"


def test_characters_github_refuses_become_dashes():
    assert repository_names([], ["odd id+x"], "dss-{key_slug}", "plugin-{key}").plugins == {
        "odd id+x": "plugin-odd-id-x"}


def test_two_project_keys_on_one_name_is_an_error():
    with pytest.raises(NamingError) as caught:
        repository_names(["SALES_EU", "SALES__EU"], [], "dss-{key_slug}", "dss-plugin-{key_slug}")
    assert str(caught.value) == ("repositoryNameTemplate: project SALES_EU and project SALES__EU both map to "
                                 "repository 'dss-sales-eu' (GitHub names ignore case) (got 'dss-{key_slug}')")


def test_a_project_and_a_plugin_on_one_name_is_an_error():
    with pytest.raises(NamingError) as caught:
        repository_names(["PLUGIN_CONNECTORS"], ["connectors"], "dss-{key_slug}", "dss-plugin-{key_slug}")
    assert str(caught.value) == (
        "repositoryNameTemplate / pluginRepositoryNameTemplate: project PLUGIN_CONNECTORS and plugin connectors both "
        "map to repository 'dss-plugin-connectors' (GitHub names ignore case) "
        "(got 'dss-{key_slug}' / 'dss-plugin-{key_slug}')")


def test_names_differing_only_by_case_collide():
    with pytest.raises(NamingError, match="plugin Conn and plugin conn both map to repository 'p-conn'"):
        repository_names([], ["Conn", "conn"], "dss-{key}", "p-{key}")


def test_a_name_longer_than_github_allows_is_an_error():
    with pytest.raises(NamingError) as caught:
        repository_names(["K" * 101], [], "{key}", "p-{key}")
    assert str(caught.value) == (f"repositoryNameTemplate: project {'K' * 101} gets repository name {'K' * 101!r}, "
                                 "which is longer than 100 characters (got '{key}')")


def test_remote_url_template():
    assert remote_url("git@github.com:{owner}/{repository}.git", "acme", "dss-x") == "git@github.com:acme/dss-x.git"
