"""``--json``: the whole read and its judgement, for scripts (times in ISO 8601 UTC)."""
from __future__ import annotations

import json
from datetime import datetime

from .facts import Deployment, Fleet, Project
from .flags import MEANINGS
from .view import Row, rows


def _time(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _deployment(d: Deployment | None, project: Project) -> dict | None:
    if d is None:
        return None
    bundle = d.running_bundle
    return {"deployment": d.id, "infra": d.infra_id, "bundle": bundle, "configured_bundle": d.bundle_id,
            "bundle_commit": project.bundle_commits.get(bundle or ""), "health": d.health,
            "health_messages": list(d.health_messages), "tests": d.tests, "last_updated": _time(d.last_updated),
            "other_deployments": list(d.others),
            "updates": [{"started": _time(u.started), "status": u.status, "bundle": u.bundle_id} for u in d.updates]}


def project_dict(row: Row) -> dict:
    p = row.project
    git = p.git
    return {
        "key": p.key, "name": p.name,
        "flags": [{"code": f.code, "detail": f.detail, "warning": f.warning} for f in row.flags],
        "repository": p.repository, "repository_url": p.repository_url, "repository_source": p.repository_source,
        "design": None if git is None else {"branch": git.branch, "remote": git.remote_url,
                                            "uncommitted": git.uncommitted, "ahead": git.ahead,
                                            "behind": git.behind},
        "bundles": {bid: {"published": _time(p.published.get(bid)), "commit": p.bundle_commits.get(bid)}
                    for bid in sorted(set(p.published) | set(p.bundle_commits))},
        "staging": _deployment(p.staging, p), "prod": _deployment(p.prod, p),
        "errors": list(p.errors),
    }


def render(fleet: Fleet) -> str:
    judged = rows(fleet)
    counts = {code: sum(1 for r in judged if any(f.code == code for f in r.flags)) for code in MEANINGS}
    return json.dumps({
        "design_url": fleet.design_url, "infras": fleet.infras, "collected_at": _time(fleet.collected_at),
        "counts": {"projects": len(judged), "flagged": sum(1 for r in judged if r.flags),
                   "warnings": sum(1 for r in judged if r.warnings), "by_flag": counts},
        "flags": MEANINGS,
        "projects": [project_dict(r) for r in judged],
    }, indent=2)
