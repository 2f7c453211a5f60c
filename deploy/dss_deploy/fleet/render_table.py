"""The terminal table: flags first, one project per block (its staging line, then its prod line), fitted to 100
columns; then the details of every flag and what the flags that appear mean."""
from __future__ import annotations

import textwrap

from .facts import Fleet
from .flags import MEANINGS
from .view import Row, age, health, rows, stamp, summary_line

WIDTH = 100
HEADERS = ("FLAGS", "PROJECT", "REPO", "STAGE", "BUNDLE", "HEALTH", "AGE")
FLAGS_WIDTH = 16  # the longest flag, untested-in-prod
# Columns that may shrink, in this order, each down to its minimum: repository names are the least needed here
# (they usually derive from the key; --json, --markdown and --html show them whole), project keys the most.
SHRINK = ((2, 8), (4, 12), (5, 12), (1, 10))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def _block(row: Row, fleet: Fleet) -> list[list[str]]:
    """The project's lines: flags wrap down the first column; one line per stage."""
    p, now = row.project, fleet.collected_at
    flags = _wrap(" ".join(dict.fromkeys(f.code for f in row.flags)), FLAGS_WIDTH) or ["ok"]
    stages = []
    for name in ("staging", "prod"):
        d = p.stage(name)
        stages.append([name, (d.running_bundle or "?") if d else "-", health(d) if d else "no deployment",
                       age(d.last_updated, now) if d else "-"])
    lines = []
    for n in range(max(len(flags), len(stages))):
        lines.append([flags[n] if n < len(flags) else "", p.key if n == 0 else "",
                      (p.repository or "-") if n == 0 else "", *(stages[n] if n < len(stages) else [""] * 4)])
    return lines


def _fit(lines: list[list[str]]) -> list[int]:
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    widths[0] = max(widths[0], FLAGS_WIDTH)
    for column, minimum in SHRINK:
        excess = sum(widths) + len(widths) - 1 - WIDTH
        if excess <= 0:
            break
        widths[column] = max(minimum, widths[column] - excess)
    return widths


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(fleet: Fleet) -> str:
    """The table, the flag details and the legend of the flags that appear."""
    judged = rows(fleet)
    blocks = [_block(r, fleet) for r in judged]
    widths = _fit([list(HEADERS)] + [line for block in blocks for line in block])
    lines = [f"DSS fleet at {fleet.design_url}, read {stamp(fleet.collected_at)}", summary_line(judged),
             f"staging = infra {fleet.infras.get('staging')}, prod = infra {fleet.infras.get('prod')}; AGE = since "
             f"the deployment's last update", ""]
    for line in [list(HEADERS)] + [line for block in blocks for line in block]:
        lines.append(" ".join(_clip(c, w).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    details = [(r.project.key, f) for r in judged for f in r.flags]
    if details:
        lines += ["", "Details:"]
        for key, flag in details:
            lines += textwrap.wrap(f"{key}  {flag.code}: {flag.detail}", WIDTH, initial_indent="  ",
                                   subsequent_indent="      ", break_on_hyphens=False)
        lines += ["", "Flags:"]
        for code in dict.fromkeys(flag.code for _, flag in details):
            lines += textwrap.wrap(f"{code}: {MEANINGS[code]}", WIDTH, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(lines)
