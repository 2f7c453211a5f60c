"""Dataset data as the emulator stores it: one CSV file with a header row; empty cell = null.

Booleans are written ``true`` / ``false``, dates as ISO 8601 (UTC, milliseconds, ``Z``).
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

INT_TYPES = {"tinyint", "smallint", "int", "bigint"}
FLOAT_TYPES = {"float", "double"}
DATE_TYPES = {"date", "dateonly", "datetimenotz"}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def read_raw(path: Path, name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a data file, as strings; a dataset that was never built has no file."""
    if not path.is_file():
        raise Exception(f"Dataset {name} has no data: it was never built or uploaded (root path does not exist)")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        return header, [row for row in reader if row]


def _cast(value: str, column: dict):
    if value == "":
        return None
    kind = column.get("type", "string")
    try:
        if kind in INT_TYPES:
            return int(float(value)) if "." in value or "e" in value.lower() else int(value)
        if kind in FLOAT_TYPES:
            return float(value)
        if kind == "boolean":
            return value.lower() in _TRUE
        if kind in DATE_TYPES:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Exception(f"Invalid value for column {column['name']} of type {kind}: {value!r}") from None
    return value


def iter_typed_rows(path: Path, name: str, schema: list[dict]) -> Iterator[list]:
    """Rows in schema column order, values cast to Python types from the schema."""
    header, rows = read_raw(path, name)
    positions = [header.index(c["name"]) if c["name"] in header else None for c in schema]
    for row in rows:
        yield [_cast(row[i], col) if i is not None and i < len(row) else None
               for i, col in zip(positions, schema, strict=True)]


def _typed_series(series, column: dict, parse_dates: bool, use_nullable_integers: bool):
    import pandas as pd

    kind = column.get("type", "string")
    name = column["name"]
    try:
        if kind in INT_TYPES:
            numbers = pd.to_numeric(series)
            if use_nullable_integers:
                return numbers.astype("Int64")
            return numbers.astype("int64") if not numbers.isna().any() else numbers.astype("float64")
        if kind in FLOAT_TYPES:
            return pd.to_numeric(series).astype("float64")
        if kind == "boolean":
            lowered = series.str.lower()
            bad = lowered.notna() & ~lowered.isin(_TRUE | _FALSE)
            if bad.any():
                raise ValueError(f"not a boolean: {series[bad].iloc[0]!r}")
            values = lowered.map(lambda v: None if v is None or v != v else v in _TRUE)
            return values.astype("bool") if not values.isna().any() else values.astype("boolean")
        if kind in DATE_TYPES and parse_dates:
            return pd.to_datetime(series, utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise Exception(f"Invalid data in column {name} of type {kind}: {exc}") from None
    return series


def read_dataframe(path: Path, name: str, schema: list[dict], columns: list[str] | None = None,
                   limit: int | None = None, parse_dates: bool = True, use_nullable_integers: bool = False):
    """The data as a pandas DataFrame whose columns are typed from the schema."""
    import pandas as pd

    wanted = schema if columns is None else [_column(schema, c, name) for c in columns]
    if not path.is_file():
        read_raw(path, name)  # raises the DSS-like "no data" error
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], nrows=limit)
    result = pd.DataFrame(index=frame.index)
    for column in wanted:
        raw = frame[column["name"]] if column["name"] in frame.columns else pd.Series([None] * len(frame), dtype=str)
        result[column["name"]] = _typed_series(raw, column, parse_dates, use_nullable_integers)
    return result


def _column(schema: list[dict], wanted: str, name: str) -> dict:
    for column in schema:
        if column["name"] == wanted:
            return column
    raise Exception(f"Column {wanted} does not exist in the schema of dataset {name}")


def infer_schema(df) -> list[dict]:
    """A DSS schema for a DataFrame (integers → bigint, floats → double, datetimes → date, else string)."""
    import pandas.api.types as ptypes

    columns = []
    for name, dtype in df.dtypes.items():
        if ptypes.is_bool_dtype(dtype):
            kind = "boolean"
        elif ptypes.is_integer_dtype(dtype):
            kind = "bigint"
        elif ptypes.is_float_dtype(dtype):
            kind = "double"
        elif ptypes.is_datetime64_any_dtype(dtype):
            kind = "date"
        else:
            kind = "string"
        columns.append({"name": str(name), "type": kind})
    return columns


def _is_null(value) -> bool:
    """None, NaN, NaT and pandas' NA (whose comparisons are neither true nor false)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def format_value(value, kind: str) -> str:
    """One cell as stored in the data file."""
    if _is_null(value):
        return ""
    if kind == "boolean":
        return "true" if (value if isinstance(value, bool) else str(value).lower() in _TRUE) else "false"
    if kind in INT_TYPES:
        return str(int(float(value)))
    if kind in DATE_TYPES and hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    return str(value)


def write_rows(path: Path, schema: list[dict], rows) -> int:
    """Write ``rows`` (sequences in schema order) under a header row, atomically; return the row count."""
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c["name"] for c in schema])
        for row in rows:
            writer.writerow([format_value(v, c.get("type", "string")) for v, c in zip(row, schema, strict=True)])
            count += 1
    os.replace(tmp, path)
    return count


def write_dataframe(path: Path, schema: list[dict], df, name: str) -> int:
    """Write a DataFrame whose columns must include every schema column."""
    missing = [c["name"] for c in schema if c["name"] not in df.columns]
    if missing:
        raise Exception(f"Cannot write dataset {name}: the dataframe lacks schema columns {missing} "
                        f"(use write_with_schema to replace the schema)")
    names = [c["name"] for c in schema]
    return write_rows(path, schema, df[names].itertuples(index=False, name=None))
