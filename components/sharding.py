"""Sharded stacks: config ``shard: "i/n"`` makes a stack manage only the projects and plugins of shard i.

A key's shard is ``sha256(key) mod n`` (plus one): stable across runs, machines and Python versions, so for a given n
the same key lands in the same stack forever. Changing a stack's shard (n, or i) would move projects between stacks
— archived by one, created again by another — so it is refused unless ``allowShardChange`` is set for the run that
migrates (see README, "Changing the shard count").
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pulumi

_SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")


class ShardChangeRefused(pulumi.RunError):
    """The stack's shard differs from the one its last run managed."""


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, key: str) -> bool:
        """Whether ``key`` (a project key or plugin id) belongs to this shard."""
        return shard_of(key, self.count) == self.index


def parse_shard(value: str) -> Shard:
    """``"i/n"`` with 1 ≤ i ≤ n; raises ValueError saying what is expected."""
    match = _SHARD.fullmatch(value.strip())
    if not match:
        raise ValueError("must be \"i/n\" with whole numbers, e.g. \"1/1\" (one stack) or \"2/4\"")
    index, count = int(match[1]), int(match[2])
    if index > count:
        raise ValueError(f"index {index} is beyond the {count} shards; shards are numbered 1 to {count}")
    return Shard(index, count)


def shard_of(key: str, count: int) -> int:
    """The shard (1..count) of ``key``: the SHA-256 of its UTF-8 bytes, as an integer, modulo count, plus one."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest(), "big") % count + 1


def select(keys: Iterable[str], shard: Shard) -> list[str]:
    """The keys of ``shard``, in their given order."""
    return [key for key in keys if shard.holds(key)]


def check_change(previous: str | None, current: Shard, allowed: bool) -> None:
    """Refuse a run whose shard differs from the last run's (None = first run) unless ``allowed``."""
    if previous is None or previous == str(current) or allowed:
        return
    raise ShardChangeRefused(
        f"Refusing to run: shard: this stack managed shard {previous} in its last run and is configured as {current} "
        "now; changing the shard moves projects between stacks (archived in one, created again in another). "
        "See README \"Changing the shard count\", then set allowShardChange=true for the migrating run.")
