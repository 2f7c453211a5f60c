"""Instance info and auth info, as the client reads them."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import RouteTable

DSS_VERSION = "14.2.0"

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
