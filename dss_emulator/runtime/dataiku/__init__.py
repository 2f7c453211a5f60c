"""The part of DSS's ``dataiku`` package that recipes and scenario scripts use, for the DSS emulator.

Everything comes from the run context file the emulator wrote (see ``_context``); nothing calls back over HTTP.
Data written here goes to a staging file the emulator installs only when the run succeeds.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from . import _context, _csvio

__all__ = ["Dataset", "api_client", "default_project_key", "get_custom_variables"]


def default_project_key() -> str:
    """The key of the project the code runs in."""
    return os.environ.get("DKU_CURRENT_PROJECT_KEY") or _context.context()["projectKey"]


def get_custom_variables(project_key: str | None = None, typed: bool = False) -> dict:
    """The project's variables (local ones override standard ones); values are strings unless ``typed``."""
    if project_key not in (None, default_project_key()):
        raise Exception(f"The DSS emulator only knows the variables of project {default_project_key()}")
    variables = dict(_context.context()["variables"])
    if typed:
        return variables
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in variables.items()}


def api_client():
    """Not available: code run by the emulator gets no API ticket (it must not call back into DSS)."""
    raise Exception("dataiku.api_client() is not available in the DSS emulator's Python runtime")


class Dataset:
    """A dataset of the current project, read from and written to the emulator's data files."""

    def __init__(self, name: str, project_key: str | None = None, ignore_flow: bool = False):
        full = name if project_key is None else f"{project_key}.{name}"
        self._info = _context.dataset_info(full)
        self.name = self._info["name"]
        self.project_key = default_project_key()
        self.full_name = f"{self.project_key}.{self.name}"
        self._ignore_flow = ignore_flow

    # --- reading -----------------------------------------------------------------------------------------
    def _check(self, write: bool) -> None:
        if not self._ignore_flow or write:
            _context.check_access(self.name, write)

    @property
    def _path(self) -> Path:
        return Path(self._info["dataPath"])

    def read_schema(self, raise_if_empty: bool = True) -> list[dict]:
        """The schema columns (``[{name, type}, ...]``)."""
        schema = _context.current_schema(self.name)
        if not schema and raise_if_empty:
            raise Exception(f"No column in schema of {self.full_name}. Have you set up the schema for this dataset?")
        return [dict(c) for c in schema]

    def get_dataframe(self, columns: list[str] | None = None, limit: int | None = None, parse_dates: bool = True,
                      use_nullable_integers: bool = False, **_sampling_options):
        """All rows as a pandas DataFrame typed from the schema (sampling options read the whole dataset)."""
        self._check(write=False)
        return _csvio.read_dataframe(self._path, self.full_name, self.read_schema(), columns, limit, parse_dates,
                                     use_nullable_integers)

    def iter_rows(self, columns: list[str] | None = None):
        """Rows as dicts keyed by column name, values typed from the schema."""
        for values in self.iter_tuples(columns):
            yield dict(zip(columns or [c["name"] for c in self.read_schema()], values, strict=True))

    def iter_tuples(self, columns: list[str] | None = None):
        """Rows as tuples in schema order (or in ``columns`` order)."""
        self._check(write=False)
        schema = self.read_schema()
        names = [c["name"] for c in schema]
        for col in columns or []:
            if col not in names:
                raise Exception(f"Column {col} does not exist in the schema of dataset {self.full_name}")
        for row in _csvio.iter_typed_rows(self._path, self.full_name, schema):
            yield tuple(row) if columns is None else tuple(row[names.index(c)] for c in columns)

    # --- writing -----------------------------------------------------------------------------------------
    def write_schema(self, columns: list[dict], dropAndCreate: bool = False) -> None:  # noqa: N803 (DSS's name)
        """Replace the dataset's schema."""
        self._check(write=True)
        for column in columns:
            if not isinstance(column, dict) or not column.get("name"):
                raise Exception(f"Invalid schema column for dataset {self.full_name}: {column!r}")
        _context.record_schema(self.name, [{"name": c["name"], "type": c.get("type", "string")} for c in columns])

    def write_schema_from_dataframe(self, df, dropAndCreate: bool = False) -> None:  # noqa: N803
        self.write_schema(_csvio.infer_schema(df))

    def write_with_schema(self, df, drop_and_create: bool = False, **_options) -> None:
        """Set the schema from the DataFrame, then write its rows."""
        self.write_schema_from_dataframe(df)
        self.write_dataframe(df)

    def write_dataframe(self, df, infer_schema: bool = False, drop_and_create: bool = False, **_options) -> None:
        """Write the DataFrame's rows with the dataset's schema (or the DataFrame's when ``infer_schema``)."""
        if infer_schema:
            self.write_schema_from_dataframe(df)
        self._check(write=True)
        schema = self.read_schema()
        rows = _csvio.write_dataframe(_context.staging_path(self.name), schema, df, self.full_name)
        _context.record_data(self.name, rows)

    def get_writer(self) -> DatasetWriter:
        """A row writer using the dataset's current schema; close it (or use ``with``) to commit the rows."""
        self._check(write=True)
        return DatasetWriter(self)


class DatasetWriter:
    """Buffers rows and writes them when closed, like DSS's dataset writer."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.schema = dataset.read_schema()
        self._rows: list[list] = []
        self._closed = False

    def write_tuple(self, row) -> None:
        if len(row) != len(self.schema):
            raise Exception(f"Row has {len(row)} values but dataset {self.dataset.full_name} has "
                            f"{len(self.schema)} columns")
        self._rows.append(list(row))

    write_row_array = write_tuple

    def write_row_dict(self, row: dict) -> None:
        unknown = set(row) - {c["name"] for c in self.schema}
        if unknown:
            raise Exception(f"Unknown columns for dataset {self.dataset.full_name}: {sorted(unknown)}")
        self._rows.append([row.get(c["name"]) for c in self.schema])

    def write_dataframe(self, df) -> None:
        names = [c["name"] for c in self.schema]
        missing = [n for n in names if n not in df.columns]
        if missing:
            raise Exception(f"Cannot write dataset {self.dataset.full_name}: the dataframe lacks columns {missing}")
        self._rows.extend(list(t) for t in df[names].itertuples(index=False, name=None))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            path = _context.staging_path(self.dataset.name)
            _context.record_data(self.dataset.name, _csvio.write_rows(path, self.schema, self._rows))

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
