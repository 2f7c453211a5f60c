"""Entry point of a run: ``python -m dataiku._bootstrap <script.py>``.

Runs the script as ``__main__``; on failure prints the traceback (without this module's frames) and records the
error, so the emulator can phrase the job failure as DSS does. Always records what was written.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

from . import _context


def _error(exc: BaseException, script: str) -> dict:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == script]
    return {"clazz": type(exc).__name__, "message": str(exc), "line": frames[-1].lineno if frames else None}


def _print_traceback(exc: BaseException) -> None:
    details = traceback.TracebackException.from_exception(exc)
    details.stack = traceback.StackSummary.from_list([f for f in details.stack if f.filename != __file__])
    sys.stderr.write("".join(details.format()))


def main(script: str) -> int:
    sys.argv = [script]
    code = compile(Path(script).read_text(), script, "exec")
    try:
        exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__})
    except SystemExit as exc:
        if exc.code not in (None, 0):
            _context.save_results({"clazz": "SystemExit", "message": f"Python process exited with code {exc.code}",
                                   "line": None})
            return exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # the user's error: reported, not re-raised
        _print_traceback(exc)
        _context.save_results(_error(exc, script))
        return 1
    _context.save_results()
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main(sys.argv[1]))
