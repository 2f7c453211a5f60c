"""Instance info and auth info, as the client reads them."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.routing import RouteTable

DSS_VERSION = "14.2.0"

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
