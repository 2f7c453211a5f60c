"""Instance info and auth info, as the client reads them."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.routing import RouteTable
from ..core.version import DSS_VERSION

routes = RouteTable()


@routes.route("GET", "/instance-info")
def get_instance_info(ctx: RequestContext):
    inst = ctx.instance
    return {"nodeId": inst.name, "nodeName": inst.name, "nodeType": inst.role.upper(),
            "dssVersion": DSS_VERSION, "installId": f"emulator-{inst.name}", "dipInstanceId": inst.name,
            "dataDirPath": str(inst.root)}


@routes.route("GET", "/auth/info")
def get_auth_info(ctx: RequestContext):
    key = ctx.key
    return {"authSource": "PERSONAL_API_KEY", "via": [], "authIdentifier": "admin" if key.admin else key.label,
            "groups": ["administrators"] if key.admin else [], "userProfile": "DESIGNER",
            "associatedDSSUser": "admin", "userForImpersonation": "admin"}


# --- connections (EV-D06; the admin routes need an admin key, as in DSS) ------------------------------------
@routes.route("GET", "/admin/connections")
def list_connections(ctx: RequestContext):
    """A dict keyed by connection name (``client.list_connections()``)."""
    ctx.require_admin()
    return {c["name"]: c for c in ctx.instance.connections.list()}


@routes.route("POST", "/admin/connections")
def create_connection(ctx: RequestContext):
    ctx.require_admin()
    body = ctx.json_object()
    return ctx.instance.connections.add(body.get("name"), body.get("type"), body.get("params"),
                                        body.get("usableBy", "ALL"), body.get("allowedGroups"),
                                        body.get("description"))


@routes.route("GET", "/admin/connections/{name}")
def get_connection_settings(ctx: RequestContext, name: str):
    ctx.require_admin()
    return ctx.instance.connections.get(name)


@routes.route("PUT", "/admin/connections/{name}")
def save_connection_settings(ctx: RequestContext, name: str):
    ctx.require_admin()
    ctx.instance.connections.save(name, ctx.json_object())


@routes.route("DELETE", "/admin/connections/{name}")
def delete_connection(ctx: RequestContext, name: str):
    ctx.require_admin()
    ctx.instance.connections.remove(name)


@routes.route("GET", "/connections/get-names")
def list_connection_names(ctx: RequestContext):
    """Names of the connections of type ``type`` (``all``: every type)."""
    wanted = ctx.arg("type", "all")
    return [c["name"] for c in ctx.instance.connections.list() if wanted in ("all", c["type"])]


@routes.route("GET", "/connections/{name}/info")
def get_connection_info(ctx: RequestContext, name: str):
    """``connection.get_info()``: name, type and params (inferred: DSSConnectionInfo reads ``type`` and
    ``params``)."""
    found = ctx.instance.connections.get(name)
    return {"name": found["name"], "type": found["type"], "params": found["params"]}
