"""Datasets of a project: ``datasets/<name>.json`` in git, data in ``dataset_data_dir(name)/data.csv`` outside it."""
from __future__ import annotations

import csv
import io
import re
import shutil

from ..core.exceptions import invalid
from ..projects.models import DATA_FILE, LAST_BUILDS, Project, ProjectsBackend
from ..runtime.dataiku._csvio import infer_schema
from . import shapes
from .exceptions import DatasetAlreadyExists, NotAnUploadedDataset, UnknownColumns

NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,200}$")
_WIRE_ONLY = ("name", "projectKey")


def check_name(kind: str, name: object) -> str:
    """DSS object names (datasets, recipes, scenario ids) use letters, digits and ``_`` only."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise invalid(f"Invalid {kind} name: {name!r}",
                      f"A {kind} name uses only letters, digits and '_' (at most 200), got {name!r}")
    return name


def check_dict(field: str, value: object, required: bool = False) -> dict:
    """``value`` as a dict (``{}`` for a missing optional one); 400 naming ``field`` otherwise."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid {field}: expected an object, got {value!r}")
    return value


def check_schema(schema: object) -> list[dict]:
    """The columns of a schema ``{columns: [{name, type}, ...]}``; 400 naming the first bad column."""
    columns = check_dict("schema", schema, required=True).get("columns")
    if not isinstance(columns, list):
        raise invalid(f"Invalid schema.columns: expected a list, got {columns!r}")
    seen = set()
    for i, col in enumerate(columns):
        if not isinstance(col, dict) or not isinstance(col.get("name"), str) or not col["name"]:
            raise invalid(f"Invalid schema.columns[{i}]: each column needs a non-empty name, got {col!r}")
        if col.get("type") not in shapes.SCHEMA_TYPES:
            raise invalid(f"Invalid schema.columns[{i}].type: {col.get('type')!r}",
                          f"column {col['name']}: type must be one of {', '.join(shapes.SCHEMA_TYPES)}")
        if col["name"] in seen:
            raise invalid(f"Invalid schema.columns[{i}]: duplicate column name {col['name']!r}")
        seen.add(col["name"])
    return columns


def infer_columns(content: bytes) -> list[dict]:
    """Schema columns of a CSV file with a header row (pandas' type inference, mapped to DSS types)."""
    import pandas as pd

    return infer_schema(pd.read_csv(io.BytesIO(content)))


class DatasetsBackend:
    """Dataset settings, schema, metadata, uploads and data of every project of an instance."""

    def __init__(self, projects: ProjectsBackend):
        self.projects = projects

    # --- reading ---------------------------------------------------------------------------------------------
    def _file(self, project: Project, name: str) -> dict:
        return project.get_object("datasets", name)

    def settings(self, pk: str, name: str) -> dict:
        """The dataset as ``GET /datasets/{name}`` answers it (the file plus ``name`` / ``projectKey``)."""
        project = self.projects.get(pk)
        return dict(self._file(project, name), name=name, projectKey=pk)

    def list(self, pk: str, tags: set[str] | None = None) -> list[dict]:
        """List items; with ``tags``, only datasets carrying at least one of them."""
        project = self.projects.get(pk)
        items = [dict(data, name=name, projectKey=pk) for name, data in project.objects("datasets")]
        return [i for i in items if not tags or tags & set(i.get("tags", []))]

    def metadata(self, pk: str, name: str) -> dict:
        data = self.settings(pk, name)
        return {"label": name, "description": data.get("description", ""), "shortDesc": data.get("shortDesc", ""),
                "tags": list(data.get("tags", [])), "custom": {"kv": dict(data.get("customFields", {}))},
                "checklists": data.get("checklists", {"checklists": []})}

    def info(self, pk: str, name: str) -> dict:
        """Settings plus what DSS knows of the data: its size, and the last build (state ``last-builds``)."""
        project = self.projects.get(pk)
        data_file = project.dataset_data_file(name)
        info = {"dataset": self.settings(pk, name), "hasData": data_file.is_file(),
                "dataSizeBytes": data_file.stat().st_size if data_file.is_file() else 0}
        last_build = (project.read_state(LAST_BUILDS, {}) or {}).get(name)
        if last_build:
            info["lastBuild"] = last_build
        return info

    def uploaded_files(self, pk: str, name: str) -> list[dict]:
        project = self.projects.get(pk)
        self._uploaded(project, name)
        data_file = project.dataset_data_file(name)
        if not data_file.is_file():
            return []
        stat = data_file.stat()
        return [{"path": "/" + DATA_FILE, "size": stat.st_size, "lastModified": int(stat.st_mtime * 1000)}]

    def data_tsv(self, pk: str, name: str, wanted: list[str] | None = None) -> str:
        """The data as the client's ``iter_rows`` reads it: tab-separated, no header, in schema column order."""
        project = self.projects.get(pk)
        schema = [c["name"] for c in self._file(project, name).get("schema", {}).get("columns", [])]
        data_file = project.dataset_data_file(name)
        if not data_file.is_file():
            return ""
        with data_file.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            rows = [row for row in reader if row]
        order = wanted or schema or header
        unknown = [c for c in (wanted or []) if c not in header]
        if unknown:
            raise UnknownColumns(pk, name, unknown)
        positions = [header.index(c) if c in header else None for c in order]
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", quotechar='"', doublequote=True, lineterminator="\n")
        for row in rows:
            writer.writerow(["" if p is None or p >= len(row) else row[p] for p in positions])
        return out.getvalue()

    # --- writing ---------------------------------------------------------------------------------------------
    def _write(self, project: Project, name: str, old: dict | None, new: dict, message: str, login: str) -> None:
        if old is not None:
            if shapes.same_content(old, new):
                return
            new = shapes.bump_version(old, new, login)
        project.save_files({f"datasets/{name}.json": new}, message, login)

    def _create(self, project: Project, name: str, data: dict, login: str) -> None:
        with project.lock:
            if name in project.object_names("datasets"):
                raise DatasetAlreadyExists(project.key, name)
            project.save_files({f"datasets/{name}.json": data}, f"Created dataset {project.key}.{name}", login)

    def create(self, pk: str, body: dict, login: str) -> str:
        """``POST /datasets``: body ``{name, projectKey, type, params, formatType, formatParams}``."""
        project = self.projects.get(pk)
        name = check_name("dataset", body.get("name"))
        if body.get("projectKey") not in (None, pk):
            raise invalid(f"Invalid projectKey: {body['projectKey']!r}",
                          f"expected {pk}, the project in the URL")
        kind = body.get("type")
        if not isinstance(kind, str) or not kind:
            raise invalid(f"Invalid dataset type: {kind!r}", "type must be a non-empty string")
        format_type = body.get("formatType")
        if format_type is not None and not isinstance(format_type, str):
            raise invalid(f"Invalid formatType: {format_type!r}")
        data = shapes.dataset(kind, login, check_dict("params", body.get("params")), format_type,
                              check_dict("formatParams", body.get("formatParams")) or None,
                              managed=bool(body.get("managed", False)))
        self._create(project, name, data, login)
        return name

    def create_managed(self, pk: str, body: dict, login: str) -> str:
        """``POST /datasets/managed``: body ``{name, creationSettings: {connectionId, ...}}``."""
        project = self.projects.get(pk)
        name = check_name("dataset", body.get("name"))
        settings = check_dict("creationSettings", body.get("creationSettings"), required=True)
        connection = settings.get("connectionId")
        if not isinstance(connection, str) or not connection:
            raise invalid(f"Invalid creationSettings.connectionId: {connection!r}",
                          "name the connection to store the managed dataset into")
        self._create(project, name, shapes.managed_dataset(name, login, connection), login)
        return name

    def save(self, pk: str, name: str, body: dict, login: str) -> None:
        """``PUT /datasets/{name}``: the whole settings dict as ``get_settings`` returned it."""
        project = self.projects.get(pk)
        if body.get("name") not in (None, name):
            raise invalid(f"Invalid name: {body['name']!r}", f"settings of dataset {name} cannot rename it")
        if not isinstance(body.get("type"), str) or not body["type"]:
            raise invalid(f"Invalid dataset type: {body.get('type')!r}", "type must be a non-empty string")
        check_dict("params", body.get("params"))
        if "schema" in body:
            check_schema(body["schema"])
        new = {k: v for k, v in body.items() if k not in _WIRE_ONLY}
        with project.lock:
            old = self._file(project, name)
            self._write(project, name, old, new, f"Saved dataset: {pk}.{name}", login)

    def set_schema(self, pk: str, name: str, schema: dict, login: str) -> None:
        """Replace the schema (``{columns: [...]}``); the schema becomes user-modified."""
        project = self.projects.get(pk)
        columns = check_schema(schema)
        with project.lock:
            old = self._file(project, name)
            new = dict(old, schema={"columns": columns, "userModified": True})
            self._write(project, name, old, new, f"Saved schema of dataset: {pk}.{name}", login)

    def set_metadata(self, pk: str, name: str, body: dict, login: str) -> None:
        project = self.projects.get(pk)
        tags = body.get("tags", None)
        if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
            raise invalid(f"Invalid tags: {tags!r}", "tags must be a list of strings")
        with project.lock:
            old = self._file(project, name)
            new = dict(old)
            for key in ("description", "shortDesc", "tags", "checklists"):
                if key in body:
                    new[key] = body[key]
            if "custom" in body:
                new["customFields"] = check_dict("custom", body["custom"]).get("kv", {})
            self._write(project, name, old, new, f"Saved dataset: {pk}.{name}", login)

    def delete(self, pk: str, name: str, drop_data: bool, login: str) -> None:
        project = self.projects.get(pk)
        with project.lock:
            self._file(project, name)
            project.save_files({f"datasets/{name}.json": None}, f"Deleted dataset {pk}.{name}", login)
        if drop_data:
            shutil.rmtree(project.dataset_data_dir(name), ignore_errors=True)

    def _uploaded(self, project: Project, name: str) -> dict:
        data = self._file(project, name)
        if data.get("type") != "UploadedFiles":
            raise NotAnUploadedDataset(project.key, name, data.get("type"))
        return data

    def upload(self, pk: str, name: str, filename: str, content: bytes, login: str) -> None:
        """Store an uploaded CSV as the dataset's data; an empty schema is inferred from it."""
        project = self.projects.get(pk)
        try:
            text = content.decode("utf-8")
            header = next(csv.reader(io.StringIO(text)), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise invalid(f"Invalid uploaded file {filename!r}: not a UTF-8 CSV file ({exc})") from None
        if not header:
            raise invalid(f"Invalid uploaded file {filename!r}: empty, a CSV file with a header row is needed")
        with project.lock:
            old = self._uploaded(project, name)
            target = project.dataset_data_file(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if not old.get("schema", {}).get("columns"):
                new = dict(old, schema={"columns": infer_columns(content), "userModified": False})
                self._write(project, name, old, new, f"Saved dataset: {pk}.{name}", login)
