"""The GitHub request budget: what one `pulumi up` costs in GitHub requests, per declared resource.

Basis: pulumi_github 6.15.0, which wraps terraform-provider-github v6.13.0, default ("legacy") client, read from that
provider's Go sources (``github/resource_github_*.go``, ``github/transport.go``, ``github/provider.go``); the team's
notes are in github-call-model.md. A model, not a measurement: correct the table below if a better source turns up.
Legacy client: one mutex serialises every request, and every write (POST / PUT / PATCH / DELETE; GraphQL calls are
POSTs) is followed by ``write_delay_ms`` (1 s by default); reads are not delayed.

Three figures per project: *create* (a new project's resources), *reconcile* (a no-change ``pulumi up`` without
``--refresh``: the engine diffs against its state and sends nothing) and *refresh* (a no-change
``pulumi up --refresh``: every resource is read). Stack-wide resources (provider, organization variables, the
StackReference) are excluded.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PROJECT_COMPONENT = "dataiku-gitops:index:ProjectRepository"
WRITE_DELAY_SECONDS = 1.0
"""The legacy client's default ``write_delay_ms``."""
READ_SECONDS = 0.3
"""Assumed round trip of one GitHub read, for run-length estimates."""


@dataclass(frozen=True)
class Cost:
    """GitHub requests of one operation: writes (each followed by the write delay) and reads."""

    writes: int = 0
    reads: int = 0

    @property
    def requests(self) -> int:
        return self.writes + self.reads

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.writes + other.writes, self.reads + other.reads)

    def seconds(self, write_delay: float = WRITE_DELAY_SECONDS, read_seconds: float = READ_SECONDS) -> float:
        """Lower bound of the time the serialised client needs: the write delays plus the reads."""
        return self.writes * write_delay + self.reads * read_seconds


@dataclass(frozen=True)
class ResourceModel:
    create: Cost
    refresh: Cost
    requests: str
    """Which requests, as read in the provider's sources (or "estimate")."""


MODEL: Mapping[str, ResourceModel] = {
    "Repository": ResourceModel(Cost(2, 2), Cost(0, 1), "POST repo, PATCH edit; GET repo, GET vulnerability alerts"),
    "BranchDefault": ResourceModel(Cost(1, 1), Cost(0, 1), "GET repo; POST rename"),
    "RepositoryFile": ResourceModel(Cost(1, 5), Cost(0, 2), "GET repo, GET branch, GET contents (404), PUT contents, "
                                                            "GET contents, GET commit; a commit (content-creating)"),
    "BranchProtection": ResourceModel(Cost(3, 0), Cost(1, 0), "GraphQL (POSTs): node-exists query, create, read"),
    "Branch": ResourceModel(Cost(1, 2), Cost(0, 1), "estimate: GET source ref, POST ref, GET ref"),
    "ActionsVariable": ResourceModel(Cost(1, 2), Cost(0, 1), "POST, GET repo, GET variable"),
    "ActionsEnvironmentVariable": ResourceModel(Cost(1, 2), Cost(0, 1), "estimate: as ActionsVariable"),
    "RepositoryEnvironment": ResourceModel(Cost(1, 1), Cost(0, 1), "PUT environment, GET repo"),
    "ActionsEnvironmentSecret": ResourceModel(Cost(1, 3), Cost(0, 1), "GET repo, GET public key, PUT secret, "
                                                                      "GET secret"),
    "ActionsOrganizationVariable": ResourceModel(Cost(1, 1), Cost(0, 1), "POST, GET variable (once per stack)"),
    "TeamRepository": ResourceModel(Cost(1, 1), Cost(0, 1), "estimate: PUT team repository, GET"),
    "RepositoryDeployKey": ResourceModel(Cost(1, 1), Cost(0, 1), "estimate: POST key, GET key"),
}
TOPICS = Cost(2, 0)
"""Repository topics: PUT topics after the POST, and again in the update the create ends with."""
EXISTENCE_CHECK = Cost(0, 1)
"""A new key's repository name is looked up once before anything is declared (``getRepository`` invoke, see
components/existing_repositories.py); a ``pulumi preview`` of the same run looks it up again."""
NO_GITHUB_REQUEST = frozenset({"DssGitRemote"})
"""Resources of ours that talk to DSS only."""
DSS_WRITE_GRANTS = ("RepositoryDeployKey", "TeamRepository")
"""How DSS gets write access to its repository (a deploy key, or a team grant for its machine user). Every project
repository needs one, so a project that declares neither (the grant is configured elsewhere, or not yet) is counted
with one deploy key: the budget holds whichever way the grant is made."""


class UnmodelledResource(ValueError):
    """A declared GitHub resource type has no entry in :data:`MODEL`."""


def short_type(token: str) -> str:
    """``github:index/repository:Repository`` → ``Repository``; the dynamic onboarding resource → ``DssGitRemote``."""
    return "DssGitRemote" if token == "pulumi-python:dynamic:Resource" else token.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Budget:
    """GitHub requests of one project's resources."""

    create: Cost
    reconcile: Cost
    refresh: Cost

    def as_json(self) -> dict[str, int]:
        return {"create": self.create.requests, "createWrites": self.create.writes,
                "reconcile": self.reconcile.requests, "refresh": self.refresh.requests,
                "refreshWrites": self.refresh.writes}


def resource_budget(kind: str, inputs: Mapping[str, Any]) -> Budget:
    """Requests of one declared resource (``kind`` as given by :func:`short_type`)."""
    if kind in NO_GITHUB_REQUEST:
        return Budget(Cost(), Cost(), Cost())
    if kind not in MODEL:
        raise UnmodelledResource(f"no GitHub request model for {kind} (add it to components/github_requests.py)")
    model = MODEL[kind]
    create = model.create + (TOPICS if kind == "Repository" and inputs.get("topics") else Cost())
    return Budget(create, Cost(), model.refresh)


def project_budget(resources: Iterable[Mapping[str, Any]]) -> Budget:
    """The budget of one project repository: its component's resources (``type`` and ``inputs`` of each, as in a
    plan document) and the existence check of its name, with DSS's write-access grant counted even when not
    declared (see :data:`DSS_WRITE_GRANTS`)."""
    create, refresh = EXISTENCE_CHECK, Cost()
    kinds = set()
    for resource in resources:
        kind = short_type(resource["type"])
        kinds.add(kind)
        cost = resource_budget(kind, resource["inputs"])
        create, refresh = create + cost.create, refresh + cost.refresh
    if not kinds & set(DSS_WRITE_GRANTS):
        grant = MODEL[DSS_WRITE_GRANTS[0]]
        create, refresh = create + grant.create, refresh + grant.refresh
    return Budget(create, Cost(), refresh)


def plan_budget(resources: list[Mapping[str, Any]]) -> Budget:
    """The costliest project's budget in a plan document's ``resources`` (zeros when it declares no project)."""
    children: dict[str, list[Mapping[str, Any]]] = {}
    for resource in resources:
        children.setdefault(resource["parent"], []).append(resource)

    def below(urn: str) -> list[Mapping[str, Any]]:
        found = list(children.get(urn, []))
        for child in children.get(urn, []):
            found.extend(below(child["urn"]))
        return found

    budgets = [project_budget(below(r["urn"])) for r in resources if r["type"] == PROJECT_COMPONENT]
    return max(budgets, key=lambda b: (b.create.requests, b.refresh.requests),
               default=Budget(Cost(), Cost(), Cost()))
