"""``dataiku.recipe``: the running recipe's declared inputs and outputs."""
from __future__ import annotations

from . import Dataset, _context


def _declared(kind: str) -> list[str]:
    names = _context.context().get(kind)
    if names is None:
        raise Exception("dataiku.recipe is only available inside a recipe")
    return list(names)


def get_input_names() -> list[str]:
    return _declared("inputs")


def get_output_names() -> list[str]:
    return _declared("outputs")


def get_inputs_as_datasets() -> list[Dataset]:
    return [Dataset(name) for name in get_input_names()]


def get_outputs_as_datasets() -> list[Dataset]:
    return [Dataset(name) for name in get_output_names()]
