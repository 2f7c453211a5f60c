"""Repositories that already exist in the organization under a name a NEW project or plugin would get.

Creating one would fail with GitHub's 422 "name already exists" half-way through a run. So, for the keys the last
run did not manage (never for known ones: their repository is ours), the program asks GitHub once per name
(pulumi-github's ``getRepository`` invoke, one read each) before it declares any repository, then either adopts
what exists (``adoptExistingRepositories``: Pulumi imports the repository, archived or not) or stops with one line
naming the repositories.

A missing repository: terraform-provider-github's ``github_repository`` data source answers a 404 with an empty id
rather than an error (its source, v6); an invoke error saying 404 / Not Found is read the same way. Any other invoke
error stops the run.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_github as github


class ExistingRepositoryError(pulumi.RunError):
    """New keys map to repositories that exist already and adoption is off, or GitHub could not be asked."""


@dataclass(frozen=True)
class Existing:
    """A repository found under the name a new key would get."""

    name: str
    archived: bool


async def find(owner: str, names: Mapping[str, str], provider: github.Provider) -> dict[str, Existing]:
    """{key: Existing} for the keys of ``names`` (key → repository name) whose repository exists already."""
    keys = sorted(names)
    answers = await asyncio.gather(*(_lookup(owner, names[key], provider) for key in keys))
    return {key: found for key, found in zip(keys, answers, strict=True) if found is not None}


async def _lookup(owner: str, name: str, provider: github.Provider) -> Existing | None:
    try:
        result = await github.get_repository_output(
            full_name=f"{owner}/{name}", opts=pulumi.InvokeOutputOptions(provider=provider)).future()
    except Exception as exc:  # the engine wraps the provider's error in a plain Exception
        if "404" in str(exc) or "Not Found" in str(exc):
            return None
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExistingRepositoryError(f"Refusing to run: cannot check whether repository {owner}/{name} exists "
                                      f"({first}); nothing was changed") from None
    if result is None or not result.node_id:
        return None
    return Existing(name=name, archived=bool(result.archived))


def refuse(owner: str, existing: Mapping[str, Existing]) -> ExistingRepositoryError:
    """The one-line refusal when adoption is off (``existing``: key → what exists)."""
    shown = ", ".join(f"{owner}/{e.name} ({key}{', archived' if e.archived else ''})"
                      for key, e in sorted(existing.items()))
    several = len(existing) > 1
    return ExistingRepositoryError(
        f"Refusing to run: {'repositories' if several else 'repository'} {shown} already "
        f"{'exist' if several else 'exists'}; set adoptExistingRepositories to true to adopt "
        f"{'them' if several else 'it'}, or change the repository name template; nothing was changed")
