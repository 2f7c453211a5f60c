"""``dataiku.scenario`` for ``custom_python`` steps run by the DSS emulator.

``Scenario`` gives the trigger parameters and the variables. ``warn(message)`` is an emulator extension (DSS has
no equivalent Python call): it ends the current step with outcome WARNING instead of SUCCESS.
"""
from __future__ import annotations

from . import _context, get_custom_variables


class Scenario:
    """The running scenario, as far as the emulator's context file describes it."""

    def get_trigger_params(self) -> dict:
        """The parameters passed to ``scenario.run(params)``."""
        return dict(_context.context().get("triggerParams") or {})

    def get_all_variables(self) -> dict:
        return get_custom_variables()


def warn(message: str) -> None:
    """Emulator extension: make the current step's outcome WARNING, with ``message``."""
    if _context.context().get("recipe") is not None:
        raise Exception("dataiku.scenario.warn() can only be used in a scenario step")
    _context.record_warning(message)
