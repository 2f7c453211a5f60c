"""``POST /__emulator__/seed``: create the sample content, or synthetic projects, server side in one request.

Body ``{"sample": true}``: on a design node the sample projects (see :mod:`dss_emulator.samples`) and the sample
plugin as a development plugin; on an automation node only the plugin, installed (projects reach automation nodes
through bundles). Body ``{"synthetic": N, "offset": K}``: projects ``SYNTH_<K+1>`` … ``SYNTH_<K+N>``, one git
commit each, created by a pool of threads. Existing projects and plugins are skipped, so seeding is idempotent.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from .. import samples
from ..core.context import RequestContext
from ..core.evidence import control
from ..core.exceptions import AlreadyExists
from ..core.routing import RouteTable
from ..core.storage import write_bytes
from .exceptions import InvalidField, InvalidSeedRequest

if TYPE_CHECKING:
    from ..instance import Instance

routes = RouteTable(prefix="/__emulator__")

MAX_SYNTHETIC = 10_000
WORKERS = 8  # git is a subprocess: threads overlap its process start-up and file I/O


def _int_field(body: dict, name: str, default: int | None, low: int, high: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(name, value, f"{name} must be an integer from {low} to {high}")
    return value


@routes.route("POST", "/seed", access="global-admin", evidence=control("create the sample or synthetic content"))
def seed(ctx: RequestContext):
    """Seed this instance; answers what was created and what already existed."""
    body = ctx.json_object()
    unknown = sorted(set(body) - {"sample", "synthetic", "offset"})
    if unknown:
        raise InvalidSeedRequest(f"unknown field {unknown[0]!r}")
    if ("sample" in body) == ("synthetic" in body):
        raise InvalidSeedRequest("give exactly one of sample and synthetic")
    if "sample" in body:
        if body["sample"] is not True:
            raise InvalidField("sample", body["sample"], "sample must be true")
        return seed_samples(ctx.instance)
    count = _int_field(body, "synthetic", None, 1, MAX_SYNTHETIC)
    offset = _int_field(body, "offset", 0, 0, 99_999 - count)
    return seed_synthetic(ctx.instance, count, offset)


def seed_samples(instance: Instance) -> dict:
    """The sample projects (design nodes only) and the sample plugin."""
    projects = []
    for sample in samples.SAMPLE_PROJECTS if instance.role == "design" else ():
        for name, spec in sample.connections.items():  # design-only connections, remapped by every infra
            if not instance.connections.has(name):
                instance.connections.add(name, spec["type"])
            instance.deployer.infras.add_remapping(name, spec["remappedTo"])
        try:
            project = instance.projects.create(sample.key, samples.project_params(sample),
                                               samples.project_files(sample), author=samples.OWNER)
        except AlreadyExists:
            projects.append({"key": sample.key, "created": False, "summary": samples.describe(sample)})
            continue
        for name, (_, data) in sample.uploads.items():
            write_bytes(project.dataset_data_file(name), data.encode())
        projects.append({"key": sample.key, "created": True, "summary": samples.describe(sample)})
    dev = instance.role == "design"
    try:
        instance.plugins.install(samples.PLUGIN_ID, samples.PLUGIN_FILES, dev=dev, author=samples.OWNER)
        created = True
    except AlreadyExists:
        created = False
    return {"projects": projects, "plugins": [{"id": samples.PLUGIN_ID, "dev": dev, "created": created}]}


def seed_synthetic(instance: Instance, count: int, offset: int) -> dict:
    """Projects ``SYNTH_<offset+1>`` … ``SYNTH_<offset+count>``; existing ones are skipped."""
    def create(number: int) -> bool:
        key = samples.synthetic_key(number)
        if instance.projects.exists(key):
            return False
        params, files = samples.synthetic_project(number)
        try:
            instance.projects.create(key, params, files, author=samples.OWNER)
        except AlreadyExists:
            return False
        return True

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="seed") as pool:
        results = list(pool.map(create, range(offset + 1, offset + count + 1)))
    return {"created": sum(results), "skipped": len(results) - sum(results),
            "first": samples.synthetic_key(offset + 1), "last": samples.synthetic_key(offset + count)}
