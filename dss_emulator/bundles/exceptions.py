"""Errors of the bundles area (exported, imported and activated bundles, bundle archives, connections): each class
carries its DSS-shaped message.

Only the ``ERR_BUNDLE_ACTIVATE_*`` codes of activation (EV-C01..C05) and ``ERR_PROJECT_INVALID_PROJECT_KEY`` (EV-P06)
are documented; every message text here is the emulator's own wording (inferred). A missing plugin is no error: DSS
only warns (EV-C04, see automation.py).
"""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, BadRequest, CodedError, Conflict, InvalidArgument, InvalidInput, NotFound


# --- node role --------------------------------------------------------------------------------------------
class NotADesignNode(BadRequest):
    def __init__(self, node: str):
        super().__init__(f"Bundles are exported on a design node; {node} is an automation node")


class NotAnAutomationNode(BadRequest):
    def __init__(self, node: str):
        super().__init__(f"Bundles are imported on an automation node; {node} is a design node")


# --- bundles ----------------------------------------------------------------------------------------------
class InvalidBundleId(InvalidArgument):
    def __init__(self, bundle_id: object, field: str):
        super().__init__(f"Invalid bundle id: {bundle_id!r}",
                         f"{field} must be 1-100 characters among letters, digits, '_', '-' and '.', "
                         f"not starting with '-' or '.', got {bundle_id!r}")


class ExportedBundleNotFound(NotFound):
    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Bundle not found: {project_key}/{bundle_id}",
                         f"Project {project_key} has no exported bundle {bundle_id}")


class BundleAlreadyExists(AlreadyExists):
    """An export under an id the project already exported: bundles are immutable."""

    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Bundle {bundle_id} already exists in project {project_key}",
                         f"A bundle with id {bundle_id} was already exported from project {project_key}; "
                         f"bundles are immutable, choose another id")


class NothingToExport(Conflict):
    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Cannot export bundle {bundle_id}: project {project_key} has no commit")


class DatasetDataNotCommitted(InvalidArgument):
    """``includedDatasetsData`` names a dataset the exported commit does not have."""

    def __init__(self, name: object):
        super().__init__(f"Cannot export bundle: includedDatasetsData names dataset {name!r}, which is not in the "
                         f"committed project", "bundleExporterSettings.exportOptions.includedDatasetsData lists "
                         f"{name!r}; commit the dataset or remove it from the list")


class ImportedBundleNotFound(NotFound):
    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Bundle not found: {project_key}/{bundle_id}",
                         f"No bundle {bundle_id} was imported in project {project_key}")


class BundleAlreadyImported(AlreadyExists):
    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Bundle {bundle_id} is already imported in project {project_key}",
                         f"Project {project_key} already has an imported bundle {bundle_id}")


class ActiveBundleNotDeletable(Conflict):
    def __init__(self, project_key: str, bundle_id: str):
        super().__init__(f"Cannot delete bundle {bundle_id}: it is the active bundle of project {project_key}",
                         f"Cannot delete bundle {bundle_id}: it is the active bundle of project {project_key}; "
                         f"activate another bundle first")


class InvalidPermissionsPolicy(InvalidArgument):
    def __init__(self, policy: object, allowed: tuple[str, ...]):
        super().__init__(f"Invalid permissionsPropagationPolicy: {policy!r}",
                         f"Invalid permissionsPropagationPolicy {policy!r}: expected one of {', '.join(allowed)}")


class InvalidScenariosActive(InvalidArgument):
    def __init__(self, value: object):
        super().__init__(f"Invalid scenariosActiveOnActivation: {value!r}",
                         f"Invalid scenariosActiveOnActivation {value!r}: expected an object mapping scenario ids "
                         f"to true/false")


class InvalidRemapping(InvalidArgument):
    def __init__(self, entries: object):
        super().__init__(f"Invalid remapping.connections: {entries!r}",
                         f"remapping.connections must be a list of {{source, target}} connection names, got "
                         f"{entries!r}")


class InvalidBundleProjectKey(CodedError):
    """Creating a project from a bundle whose project key is invalid or already used on the node (EV-P06)."""

    def __init__(self, project_key: object, bundle_id: str, node: str, already_used: bool):
        problem = (f"a project with key {project_key} already exists" if already_used else
                   f"{project_key!r} is not a project key (an uppercase letter, then A-Z, 0-9 and _)")
        super().__init__("ERR_PROJECT_INVALID_PROJECT_KEY",
                         f"Cannot create project {project_key} from bundle {bundle_id} on node {node}: {problem}",
                         "import the bundle into the existing project, or delete that project first"
                         if already_used else None)


# --- archives ---------------------------------------------------------------------------------------------
class MissingArchivePath(InvalidArgument):
    def __init__(self):
        super().__init__("Missing query parameter archivePath (the path of a bundle zip on the node)")


class ArchivePathInDataDir(InvalidArgument):
    """An ``archivePath`` inside the emulator's data directory (e.g. another project's bundles)."""

    def __init__(self, raw: str):
        super().__init__(f"Invalid archivePath: {raw!r}", f"archivePath {raw!r} lies inside the emulator's data "
                                                          f"directory")


class ArchivePathNotAFile(InvalidArgument):
    def __init__(self, raw: str, node: str):
        super().__init__(f"Invalid archivePath: {raw!r}",
                         f"archivePath {raw!r} is not an existing file on the file system of node {node}")


class NotABundleArchive(InvalidArgument):
    """``problem``: what the archive lacks (``is not a zip file``, ``has no export-manifest.json``)."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"Not a bundle archive: {source} {problem}")


class InvalidBundleArchive(InvalidArgument):
    """``problem``: what is wrong in the archive (an unsafe member, a manifest field ...)."""

    def __init__(self, problem: str):
        super().__init__(f"Invalid bundle archive: {problem}")


class UnsafeArchiveMember(InvalidBundleArchive):
    def __init__(self, source: str, name: str):
        super().__init__(f"unsafe member name {name!r} in {source}")


class InvalidManifest(InvalidBundleArchive):
    """``problem``: what is wrong with the archive's manifest (the member named ``manifest``)."""

    def __init__(self, manifest: str, source: str, problem: str):
        super().__init__(f"{manifest} of {source} {problem}")


# --- activation -------------------------------------------------------------------------------------------
class BundleActivationError(CodedError):
    """A fatal activation check, answered with DSS's error code (also first in the message the client shows)."""


def _connection(target: str, source: str) -> str:
    return f"Connection {target}" + (f" (remapped from {source})" if target != source else "")


class MissingConnection(BundleActivationError):
    """A connection the bundle's datasets (``users``) need, after remapping ``source`` to ``target``, is absent."""

    def __init__(self, target: str, source: str, users: str, bundle_id: str, node: str):
        super().__init__("ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION",
                         f"{_connection(target, source)} is required by dataset(s) {users} of bundle {bundle_id} "
                         f"but does not exist on node {node}")


class BadConnectionType(BundleActivationError):
    """The connection exists here with type ``kind``; the bundle was exported with a ``needed`` one."""

    def __init__(self, target: str, source: str, users: str, kind: str, needed: str, bundle_id: str, node: str):
        super().__init__("ERR_BUNDLE_ACTIVATE_BAD_CONNECTION_TYPE",
                         f"{_connection(target, source)} used by dataset(s) {users} is of type {kind} on node "
                         f"{node}, but bundle {bundle_id} needs a {needed} connection")


class ConnectionProblems(BundleActivationError):
    """Every connection problem of one activation, under the code of the first."""

    def __init__(self, problems: list[BundleActivationError]):
        super().__init__(problems[0].code, "; ".join(p.text for p in problems))


# --- connections ------------------------------------------------------------------------------------------
class ConnectionNotFound(NotFound):
    def __init__(self, name: str):
        super().__init__(f"Connection not found: {name}", f"This node has no connection named {name!r}")


class ConnectionAlreadyExists(AlreadyExists):
    def __init__(self, name: str):
        super().__init__(f"Connection {name} already exists")


class InvalidConnectionName(InvalidInput):
    """Inferred rule: any characters but ``/``, ``\\`` and control characters, spaces inside included."""

    def __init__(self, name: object, max_length: int):
        super().__init__(f"Invalid connection name: {name!r}",
                         f"1-{max_length} characters without '/', backslash, control characters or "
                         f"leading/trailing spaces")


class ConnectionFieldFixed(InvalidArgument):
    def __init__(self, name: str, field: str, current: object, wanted: object):
        super().__init__(f"Cannot change {field} of connection {name} from {current!r} to {wanted!r}")
