"""Instance info, auth info, the instance (global) variables and connections, as the client reads them."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import RouteTable
from ..core.storage import read_json, write_json
from ..core.version import DSS_VERSION

routes = RouteTable()


@routes.route("GET", "/instance-info", access="any-key",
              evidence=client("dssclient.py", "DSSClient.get_instance_info", "EV-A02",
                              unverified="the fields of the answer (EV-A02)"))
def get_instance_info(ctx: RequestContext):
    inst = ctx.instance
    return {"nodeId": inst.name, "nodeName": inst.name, "nodeType": inst.role.upper(),
            "dssVersion": DSS_VERSION, "installId": f"emulator-{inst.name}", "dipInstanceId": inst.name,
            "dataDirPath": str(inst.root)}


@routes.route("GET", "/auth/info", access="any-key",
              evidence=client("dssclient.py", "DSSClient.get_auth_info", "EV-A01", "EV-T08"))
def get_auth_info(ctx: RequestContext):
    key = ctx.key
    return {"authSource": "PERSONAL_API_KEY", "via": [], "authIdentifier": "admin" if key.admin else key.label,
            "groups": ["administrators"] if key.admin else [], "userProfile": "DESIGNER",
            "associatedDSSUser": "admin", "userForImpersonation": "admin"}


@routes.route("GET", "/admin/variables", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.get_global_variables"))
def get_global_variables(ctx: RequestContext):
    return read_json(ctx.instance.root / "variables.json", {}) or {}


@routes.route("PUT", "/admin/variables", access="global-admin",
              evidence=client("dss/admin.py", "DSSInstanceVariables.save"))
def set_global_variables(ctx: RequestContext):
    write_json(ctx.instance.root / "variables.json", ctx.json_object())


# --- connections (EV-D06; the admin routes need an admin key, as in DSS) ------------------------------------
@routes.route("GET", "/admin/connections", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.list_connections", "EV-D06", "EV-C07"))
def list_connections(ctx: RequestContext):
    """A dict keyed by connection name (``client.list_connections()``)."""
    return {c["name"]: c for c in ctx.instance.connections.list()}


@routes.route("POST", "/admin/connections", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.create_connection", "EV-D06",
                              unverified="names with spaces accepted; what DSS refuses in a name"))
def create_connection(ctx: RequestContext):
    body = ctx.json_object()
    return ctx.instance.connections.add(body.get("name"), body.get("type"), body.get("params"),
                                        body.get("usableBy", "ALL"), body.get("allowedGroups"),
                                        body.get("description"))


@routes.route("GET", "/admin/connections/{name}", access="global-admin",
              evidence=client("dss/admin.py", "DSSConnection.get_settings", "EV-D06"))
def get_connection_settings(ctx: RequestContext, name: str):
    return ctx.instance.connections.get(name)


@routes.route("PUT", "/admin/connections/{name}", access="global-admin",
              evidence=client("dss/admin.py", "DSSConnectionSettings.save", "EV-D06"))
def save_connection_settings(ctx: RequestContext, name: str):
    ctx.instance.connections.save(name, ctx.json_object())


@routes.route("DELETE", "/admin/connections/{name}", access="global-admin",
              evidence=client("dss/admin.py", "DSSConnection.delete", "EV-D06"))
def delete_connection(ctx: RequestContext, name: str):
    ctx.instance.connections.remove(name)


@routes.route("GET", "/connections/get-names", access="any-key",
              evidence=client("dssclient.py", "DSSClient.list_connections_names", "EV-D06"))
def list_connection_names(ctx: RequestContext):
    """Names of the connections of type ``type`` (``all``: every type)."""
    wanted = ctx.arg("type", "all")
    return [c["name"] for c in ctx.instance.connections.list() if wanted in ("all", c["type"])]


@routes.route("GET", "/connections/{name}/info", access="any-key",
              evidence=client("dss/admin.py", "DSSConnection.get_info", "EV-D06",
                              unverified="the info fields beyond name, type and params"))
def get_connection_info(ctx: RequestContext, name: str):
    """``connection.get_info()``: name, type and params (inferred: DSSConnectionInfo reads ``type`` and
    ``params``)."""
    found = ctx.instance.connections.get(name)
    return {"name": found["name"], "type": found["type"], "params": found["params"]}
