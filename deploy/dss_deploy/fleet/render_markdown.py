"""``--markdown``: the table for a GitHub job summary, flag details and meanings in collapsed sections."""
from __future__ import annotations

from .facts import Deployment, Fleet, Project
from .flags import MEANINGS
from .view import Row, age, health, rows, stamp, summary_line


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str | None) -> str:
    return f"`{text}`" if text else "–"


def _stage(d: Deployment | None, fleet: Fleet) -> str:
    if d is None:
        return "–"
    return f"{_code(d.running_bundle)} {health(d)} · {age(d.last_updated, fleet.collected_at)} ago"


def _repository(p: Project) -> str:
    if not p.repository:
        return "–"
    url = p.repository_url or ""
    return f"[{p.repository}]({url})" if url.startswith(("https://", "http://")) else p.repository


def _flags(row: Row) -> str:
    codes = " ".join(f"`{code}`" for code in dict.fromkeys(f.code for f in row.flags))
    return ("⚠️ " if row.warnings else "") + (codes or "✅")


def render(fleet: Fleet) -> str:
    judged = rows(fleet)
    lines = [f"### DSS fleet: {summary_line(judged)}", "",
             f"Design node {fleet.design_url} · staging infra `{fleet.infras.get('staging')}` · prod infra "
             f"`{fleet.infras.get('prod')}` · read {stamp(fleet.collected_at)}", "",
             "| Flags | Project | Repository | Staging | Prod |", "|---|---|---|---|---|"]
    for row in judged:
        p = row.project
        lines.append("| " + " | ".join(_cell(c) for c in (_flags(row), f"**{p.key}**", _repository(p),
                                                              _stage(p.staging, fleet), _stage(p.prod, fleet)))
                     + " |")
    details = [(r.project.key, f) for r in judged for f in r.flags]
    if details:
        lines += ["", "<details><summary>Flag details</summary>", ""]
        lines += [f"- **{key}** `{flag.code}`: {_cell(flag.detail)}" for key, flag in details]
        lines += ["", "</details>"]
    lines += ["", "<details><summary>What the flags mean</summary>", ""]
    lines += [f"- `{code}`: {meaning}" for code, meaning in MEANINGS.items()]
    lines += ["", "</details>", ""]
    return "\n".join(lines)
