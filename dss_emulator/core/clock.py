"""The emulator's one clock: DSS timestamps in epoch milliseconds."""
from __future__ import annotations

import time


def now_ms() -> int:
    """Now, in epoch milliseconds (DSS's ``*Timestamp`` / ``*On`` fields).

    The *On timestamps the sources show are epoch ms (``createdOn`` in the client's docstrings, EV-P03, EV-J01,
    EV-S07); none shows ``exportedOn`` / ``importedOn`` / ``activatedOn`` / ``publishedOn`` (EV-B12): inferred.
    """
    return int(time.time() * 1000)
