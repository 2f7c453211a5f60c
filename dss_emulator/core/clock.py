"""The emulator's one clock: DSS timestamps in epoch milliseconds."""
from __future__ import annotations

import time


def now_ms() -> int:
    """Now, in epoch milliseconds (DSS's ``*Timestamp`` / ``*On`` fields)."""
    return int(time.time() * 1000)
