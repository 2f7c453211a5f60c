"""What a new DSS project's git repository holds (see shared/dss-project-layout.md)."""
from __future__ import annotations

from ..core.clock import now_ms

GITIGNORE = "\n".join([
    ".journal", ".mainlock", ".wlock", ".ts", "git-info.json", ".git", "merge-requests.json",
    "version-tags.json", "*.pyc", ".coverage", ".htmlcov", ".DS_Store", ".idea", "",
])

EXTERNAL_LIBRARIES = {"gitReferences": {}, "pythonPath": ["python"], "rsrcPath": ["R"],
                      "importLibrariesFromProjects": []}

OBJECT_DIRS = {"datasets": "datasets", "recipes": "recipes", "scenarios": "scenarios"}

CODE_EXTENSIONS = {"python": ".py", "r": ".R", "sql_query": ".sql", "sql_script": ".sql", "shell": ".sh",
                   "sync": ".sync"}


def tag(login: str) -> dict:
    """A DSS versionTag / creationTag."""
    return {"versionNumber": 1, "lastModifiedOn": now_ms(), "lastModifiedBy": {"login": login}}


def new_params(name: str, owner: str, description: str = "", short_desc: str = "", tags: list | None = None,
               settings: dict | None = None, commit_mode: str = "AUTO") -> dict:
    """``params.json`` of a new project, with the settings blocks the client's helpers write into."""
    base_settings = {
        "gitCommitMode": commit_mode,
        "useRemoteGit": False,
        "codeEnvs": {
            "python": {"mode": "USE_BUILTIN_MODE", "envName": None, "useBuiltinEnv": True},
            "r": {"mode": "USE_BUILTIN_MODE", "envName": None, "useBuiltinEnv": True},
        },
        "container": {"containerMode": "NONE", "containerConf": ""},
        "k8sCluster": {"clusterMode": "INHERIT", "clusterId": None, "defaultClusterId": None},
        "cluster": {"clusterMode": "INHERIT", "clusterId": None, "defaultClusterId": None},
    }
    base_settings.update(settings or {})
    return {
        "name": name,
        "shortDesc": short_desc,
        "description": description,
        "tags": list(tags or []),
        "owner": owner,
        "projectStatus": "Sandbox",
        "projectType": "REGULAR",
        "projectAppType": "REGULAR",
        "permissions": [],
        "permissionsVersion": 0,
        "exposedObjects": {"objects": []},
        "dashboardAuthorizations": {"allAuthorized": False, "authorizations": []},
        "bundleExporterSettings": {"exportOptions": {"exportUploads": False, "includedDatasetsData": []}},
        "settings": base_settings,
        "metrics": {}, "metricsChecks": {},
        "creationTag": tag(owner),
        "versionTag": tag(owner),
        "customFields": {},
        "checklists": {"checklists": []},
    }
