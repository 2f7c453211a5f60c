"""Control routes for deployment fault injection and node connections (admin key of the instance required).

- ``POST /__emulator__/faults/deployments {count, deploymentId?, message?}`` (design node): the next ``count``
  deployment updates (of ``deploymentId`` only, if given) end in ERROR; ``GET`` lists what is armed.
- ``GET /__emulator__/connections``, ``POST /__emulator__/connections {name, type?}``,
  ``DELETE /__emulator__/connections/{name}``: the connections of a node; activating a bundle whose datasets
  need a missing one fails with ``ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION``.
- ``POST /__emulator__/faults/health {deploymentId, health}`` (design node): force the deployment's health to
  WARNING, UNKNOWN, ERROR or UNHEALTHY (``health: null`` clears it); ``GET`` lists the forced values.
- ``POST /__emulator__/faults/bundle-tags {enabled}`` (design node): turn off (or back on) DSS's option to tag the
  commit of each exported bundle, so that clients meet bundles without a ``dss-bundle-<KEY>-<id>`` tag.
"""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import control
from ..core.routing import RouteTable
from .exceptions import InvalidField

routes = RouteTable(prefix="/__emulator__")


@routes.route("POST", "/faults/deployments", access="global-admin",
              evidence=control("make the next deployment updates end in ERROR"))
def arm_deployment_faults(ctx: RequestContext):
    ctx.instance.deployer.require_design()
    body = ctx.json_object()
    faults = ctx.instance.deployer.faults
    faults.arm(body.get("count", 1), body.get("deploymentId"), body.get("message"))
    return {"armed": faults.as_list()}


@routes.route("GET", "/faults/deployments", access="global-admin", evidence=control("list the armed deployment faults"))
def list_deployment_faults(ctx: RequestContext):
    return {"armed": ctx.instance.deployer.faults.as_list()}


@routes.route("POST", "/faults/health", access="global-admin",
              evidence=control("force a deployment's health (WARNING, UNKNOWN, ERROR, UNHEALTHY) or clear it"))
def force_health(ctx: RequestContext):
    ctx.instance.deployer.require_design()
    body = ctx.json_object()
    ctx.instance.deployer.faults.force_health(body.get("deploymentId"), body.get("health"))
    return {"forced": ctx.instance.deployer.faults.health_list()}


@routes.route("GET", "/faults/health", access="global-admin", evidence=control("list the forced deployment health"))
def list_forced_health(ctx: RequestContext):
    return {"forced": ctx.instance.deployer.faults.health_list()}


@routes.route("POST", "/faults/bundle-tags", access="global-admin",
              evidence=control("turn DSS's option to tag exported bundles off or on"))
def set_bundle_tags(ctx: RequestContext):
    enabled = ctx.json_object().get("enabled")
    if not isinstance(enabled, bool):
        raise InvalidField("enabled", enabled, "enabled must be true or false")
    ctx.instance.bundles.exported.tag_bundles = enabled
    return {"enabled": enabled}


@routes.route("GET", "/connections", access="global-admin", evidence=control("list the connections of the node"))
def list_connections(ctx: RequestContext):
    return {"connections": ctx.instance.connections.list()}


@routes.route("POST", "/connections", access="global-admin", evidence=control("add a connection to the node"))
def add_connection(ctx: RequestContext):
    body = ctx.json_object()
    ctx.instance.connections.add(body.get("name"), body.get("type", "Filesystem"))
    return {"connections": ctx.instance.connections.list()}


@routes.route("DELETE", "/connections/{name}", access="global-admin",
              evidence=control("remove a connection from the node"))
def remove_connection(ctx: RequestContext, name: str):
    ctx.instance.connections.remove(name)
    return {"connections": ctx.instance.connections.list()}
