"""Sharded stacks and bounded runs, under mocks against an emulator holding 40 projects."""
from __future__ import annotations

import hashlib

import pytest

from components.deletion_guard import DeletionRefused
from components.sharding import ShardChangeRefused, parse_shard, shard_of

REPOSITORY = "github:index/repository:Repository"
KEYS = [f"SYNTH_{i:05d}" for i in range(1, 41)]
IMMEDIATE_REMOVAL = {"removalGraceRuns": "0", "removalGraceDays": "0", "removalMaxDropPercent": "100"}


@pytest.fixture
def forty(dss):
    dss.control("design", "POST", "seed", {"synthetic": 40})
    assert sorted(dss.client().list_project_keys()) == KEYS


def _keys(result) -> list[str]:
    return sorted(result.outputs["projects"])


def test_four_shards_split_the_projects_into_disjoint_sets_covering_all(forty, settings_for, run):
    shards = {i: _keys(run(settings_for(shard=f"{i}/4", maxNewRepositoriesPerRun="100"))) for i in range(1, 5)}
    assert all(shards.values())  # 40 keys: every shard gets some
    assert sum(len(keys) for keys in shards.values()) == 40
    assert sorted(key for keys in shards.values() for key in keys) == KEYS
    for i, keys in shards.items():
        assert all(shard_of(key, 4) == i for key in keys)


@pytest.mark.parametrize("key", ["CHURN", "SYNTH_00001", "é_KEY"])
def test_a_keys_shard_is_its_sha256_modulo_n(key):
    reference = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16)
    assert [shard_of(key, n) for n in (1, 4, 7)] == [1, reference % 4 + 1, reference % 7 + 1]
    assert parse_shard(" 2/4 ") == parse_shard("2/4") and str(parse_shard("2/4")) == "2/4"


def test_a_changed_shard_count_is_refused_unless_the_migration_setting_allows_it(forty, settings_for, run):
    first = run(settings_for(shard="1/4", maxNewRepositoriesPerRun="100"))
    assert first.outputs["shard"] == "1/4"
    with pytest.raises(ShardChangeRefused) as caught:
        run(settings_for(shard="1/8", maxNewRepositoriesPerRun="100"), previous=first)
    assert str(caught.value) == (
        "Refusing to run: shard: this stack managed shard 1/4 in its last run and is configured as 1/8 now; changing "
        "the shard moves projects between stacks (archived in one, created again in another). See README "
        "\"Changing the shard count\", then set allowShardChange=true for the migrating run.")
    assert "\n" not in str(caught.value)
    migrated = run(settings_for(shard="1/8", allowShardChange="true", maxNewRepositoriesPerRun="100",
                                maxDeletionsPerRun="40", **IMMEDIATE_REMOVAL), previous=first)
    assert migrated.outputs["shard"] == "1/8"
    assert set(_keys(migrated)) == {k for k in KEYS if shard_of(k, 8) == 1}


def test_the_deletion_guard_counts_per_shard(forty, dss, settings_for, run):
    mine = [k for k in KEYS if shard_of(k, 4) == 1]
    others = [k for k in KEYS if shard_of(k, 4) != 1]
    settings = settings_for(shard="1/4", maxNewRepositoriesPerRun="100", maxDeletionsPerRun="1", **IMMEDIATE_REMOVAL)
    first = run(settings)
    for key in others[:3]:  # three removals in other shards are other stacks' business
        dss.client().get_project(key).delete()
    assert _keys(run(settings, previous=first)) == mine
    for key in mine[:2]:
        dss.client().get_project(key).delete()
    with pytest.raises(DeletionRefused, match=r"^Refusing to run: 2 repositories would be removed"):
        run(settings, previous=first)


def test_a_bounded_first_adoption_completes_in_successive_runs(forty, settings_for, run):
    settings = settings_for(maxNewRepositoriesPerRun="5")
    result = run(settings)
    assert _keys(result) == KEYS[:5]
    assert len(result.of_type(REPOSITORY)) == 5
    assert result.outputs["waiting"] == {"projects": KEYS[5:], "plugins": []}
    runs = 1
    while result.outputs["waiting"]["projects"]:
        result = run(settings, previous=result)
        runs += 1
        assert len(result.outputs["projects"]) == min(5 * runs, 40)
    assert runs == 8 and _keys(result) == KEYS
