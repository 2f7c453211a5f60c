"""Run the program in-process under Pulumi mocks and record every resource it declares (tests, plan, bench).

No Pulumi CLI, no engine, no GitHub: the mock monitor answers each registration with the inputs plus the computed
outputs GitHub would return (``html_url``, ``node_id``, ...), and the program's StackReference to itself answers
the outputs of a "previous run" given by the caller.
"""
from __future__ import annotations

import base64
import threading
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dill
import pulumi
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

STACK_REFERENCE = "pulumi:pulumi:StackReference"
DYNAMIC = "pulumi-python:dynamic:Resource"
GET_REPOSITORY = "github:index/getRepository:getRepository"


@dataclass(frozen=True)
class Declared:
    """One resource registration as the engine would have received it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    """Inputs with secret markers removed (see ``secret_inputs``)."""
    secret_inputs: frozenset[str]
    """Top-level inputs that were sent as secrets (or contain one)."""
    dependencies: tuple[str, ...]
    delete_before_replace: bool = False
    ignore_changes: tuple[str, ...] = ()
    retain_on_delete: bool = False
    provider: str = ""
    import_id: str = ""
    """The id of an existing resource to import (adoption), empty for a resource to create."""


@dataclass
class MockRun:
    """What one mocked run declared, and its resolved stack outputs."""

    resources: list[Declared]
    outputs: dict[str, Any]
    secret_outputs: set[str] = field(default_factory=set)

    def of_type(self, token: str) -> list[Declared]:
        return [r for r in self.resources if r.type == token]

    def by_name(self, name: str) -> Declared:
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def descendants(self, urn: str) -> list[Declared]:
        """Every resource under ``urn`` (children, grandchildren, ...)."""
        below, frontier = [], {urn}
        while frontier:
            level = [r for r in self.resources if r.parent in frontier]
            below.extend(level)
            frontier = {r.urn for r in level}
        return below


def _plain(value: Any) -> Any:
    """Remove secret wrappers anywhere in a deserialized value."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _has_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_has_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secret(v) for v in value)
    return False


class ProgramMocks(Mocks):
    """Inputs echoed as outputs, plus the computed outputs the GitHub provider would add.

    With ``apply_dynamic`` the program's dynamic resources (the DSS onboarding) are really created: their provider
    is unpickled and its ``check`` and ``create`` run, as the engine would run them in ``pulumi up``.
    """

    def __init__(self, owner: str = "acme", previous_outputs: Mapping[str, Any] | None = None,
                 apply_dynamic: bool = False, existing_repositories: Mapping[str, Mapping[str, Any]] | None = None):
        self.owner = owner
        self.previous_outputs = dict(previous_outputs or {})
        self.apply_dynamic = apply_dynamic
        self.existing_repositories = dict(existing_repositories or {})
        """Repository name → what GitHub's getRepository answers for it (e.g. ``{"archived": True}``)."""
        self.invokes: list[tuple[str, dict]] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        if args.typ == STACK_REFERENCE:
            return args.name, {"name": args.inputs.get("name"), "outputs": self.previous_outputs,
                               "secretOutputNames": []}
        if args.typ == DYNAMIC and self.apply_dynamic:
            return _create_dynamic(args)
        outputs = dict(args.inputs)
        name = _plain(args.inputs.get("name")) or args.name
        if args.typ == "github:index/repository:Repository":
            outputs.update(fullName=f"{self.owner}/{name}", htmlUrl=f"https://github.com/{self.owner}/{name}",
                           nodeId=f"R_{name}", repoId=zlib.crc32(name.encode()),
                           sshCloneUrl=f"git@github.com:{self.owner}/{name}.git")
        elif args.typ == "github:index/branch:Branch":
            outputs.update(ref=f"refs/heads/{_plain(args.inputs.get('branch'))}", sha="0" * 40)
        elif args.typ == "github:index/repositoryFile:RepositoryFile":
            outputs.update(commitSha="1" * 40, sha="2" * 40)
        return f"{args.name}-id", outputs

    def call(self, args: MockCallArgs) -> dict:
        """getRepository, the program's one invoke: an existing repository's fields, or what the provider answers
        for a missing one (an empty id and nothing else)."""
        self.invokes.append((args.token, dict(args.args)))
        if args.token != GET_REPOSITORY:
            raise NotImplementedError(f"the program makes no other invoke, got {args.token}")
        owner, _, name = str(args.args.get("fullName")).partition("/")
        if owner != self.owner or name not in self.existing_repositories:
            return {"id": "", "fullName": args.args.get("fullName")}
        return {"id": name, "fullName": f"{owner}/{name}", "name": name, "nodeId": f"R_{name}",
                "htmlUrl": f"https://github.com/{owner}/{name}", "archived": False,
                **self.existing_repositories[name]}


def _create_dynamic(args: MockResourceArgs) -> tuple[str, dict]:
    inputs = _plain(args.inputs)
    provider: ResourceProvider = dill.loads(base64.b64decode(inputs.pop("__provider")))
    checked = provider.check({}, inputs)
    if checked.failures:
        raise ValueError(f"{args.name}: " + "; ".join(f"{f.property}: {f.reason}" for f in checked.failures))
    created = provider.create(checked.inputs)
    return created.id, {**inputs, **(created.outs or {})}


class RecordingMonitor(MockMonitor):
    """The mock monitor, keeping every registration (inputs, parent, dependencies, options)."""

    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.declared: list[Declared] = []
        self._lock = threading.Lock()

    def _record(self, request, struct, custom: bool, dependencies=(), **options) -> None:
        inputs = rpc.deserialize_properties(struct)
        declared = Declared(type=request.type, name=request.name, urn=self.make_urn(request.parent, request.type,
                                                                                      request.name),
                            parent=request.parent, custom=custom, inputs=_plain(inputs),
                            secret_inputs=frozenset(k for k, v in inputs.items() if _has_secret(v)),
                            dependencies=tuple(dependencies), provider=request.provider, **options)
        with self._lock:
            self.declared.append(declared)

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self._record(request, request.object, custom=request.custom, dependencies=request.dependencies,
                         delete_before_replace=request.deleteBeforeReplace,
                         ignore_changes=tuple(request.ignoreChanges),
                         retain_on_delete=bool(request.retainOnDelete), import_id=request.importId)
        return response

    def ReadResource(self, request):
        response = super().ReadResource(request)
        self._record(request, request.properties, custom=True)
        return response


def run_mocked(program: Callable[[], Awaitable[Mapping[str, Any]]], *, owner: str = "acme",
               previous_outputs: Mapping[str, Any] | None = None, project: str = "dataiku-gitops",
               stack: str = "dev", preview: bool = False, monitor: RecordingMonitor | None = None,
               apply_dynamic: bool = False) -> MockRun:
    """Run ``program`` (an async function returning the stack outputs) under fresh mocks; exceptions propagate
    (pass your own ``monitor`` to see what was declared before one). ``apply_dynamic``: see :class:`ProgramMocks`."""
    monitor = monitor or RecordingMonitor(ProgramMocks(owner, previous_outputs, apply_dynamic))
    set_root_resource(None)
    set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor,
              organization="organization")
    result: dict[str, Any] = {}

    async def main() -> None:
        outputs = dict(await program())
        result["outputs"] = await pulumi.Output.from_input(outputs).future()
        result["secret"] = {k for k, v in outputs.items() if await pulumi.Output.from_input(v).is_secret()}

    _sync_await(run_pulumi_func(main))
    return MockRun(resources=monitor.declared, outputs=result["outputs"], secret_outputs=result["secret"])
