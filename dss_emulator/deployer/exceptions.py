"""Errors of the Project Deployer area (infras, published projects, deployments and their updates): each class
carries its DSS-shaped message.

The sources document none of these messages: every text is the emulator's own wording (inferred).
"""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, BadRequest, Conflict, DSSError, InvalidArgument, NotFound
from ..projects.exceptions import InvalidProjectKey

ID_RULE = "letters, digits, '_', '-' and '.'"  # what an infra or deployment id may use


class NotADeployerNode(BadRequest):
    def __init__(self, node: str):
        super().__init__(f"The Project Deployer runs on the design node; {node} is an automation node")


class IdFixed(InvalidArgument):
    """``what``: ``infra`` or ``published project``."""

    def __init__(self, what: str, current: str, wanted: object):
        super().__init__(f"Cannot change the id of {what} {current} to {wanted!r}")


# --- infras -----------------------------------------------------------------------------------------------
class InfraNotFound(NotFound):
    def __init__(self, infra_id: str):
        super().__init__(f"Infra not found: {infra_id}", f"The Project Deployer has no infra {infra_id!r}")


class InfraAlreadyExists(AlreadyExists):
    def __init__(self, infra_id: str):
        super().__init__(f"Infra {infra_id} already exists")


class InvalidInfraId(InvalidArgument):
    def __init__(self, infra_id: object):
        super().__init__(f"Invalid infra id: {infra_id!r}", f"id must use {ID_RULE}, got {infra_id!r}")


class InvalidAdminApiKey(InvalidArgument):
    """The value is a secret: the message never shows it."""

    def __init__(self):
        super().__init__("Invalid adminApiKey: expected a non-empty string")


class NodeNotServed(Conflict):
    """The infra names an automation node of the same process (``automationNode``) that this process does not serve."""

    def __init__(self, infra_id: str, node: str):
        super().__init__(f"Infra {infra_id}: automation node {node!r} is not served by this process")


class InfraWithoutNode(Conflict):
    def __init__(self, infra_id: str):
        super().__init__(f"Infra {infra_id} has no automation node: set automationNodeUrl and adminApiKey in its "
                         f"settings")


class InfraInUse(Conflict):
    def __init__(self, infra_id: str, deployment_id: str):
        super().__init__(f"Cannot delete infra {infra_id}: deployment {deployment_id} uses it")


# --- published projects -----------------------------------------------------------------------------------
class InvalidPublishedKey(InvalidProjectKey):
    def __init__(self, key: object, field: str):
        super().__init__(key, field, "published project key")


class PublishedProjectNotFound(NotFound):
    def __init__(self, key: str):
        super().__init__(f"Published project not found: {key}", f"The Project Deployer has no published project {key}")


class PublishedProjectAlreadyExists(AlreadyExists):
    def __init__(self, key: str):
        super().__init__(f"Published project {key} already exists",
                         f"The Project Deployer already has a published project {key}")


class PublishedProjectInUse(Conflict):
    def __init__(self, key: str, deployment_id: str):
        super().__init__(f"Cannot delete published project {key}: deployment {deployment_id} uses it")


class PackageNotFound(NotFound):
    """A bundle (``package``) missing from a published project."""

    def __init__(self, key: str, bundle_id: str):
        super().__init__(f"Bundle not found: {bundle_id} in published project {key}",
                         f"Published project {key} has no bundle {bundle_id}")


class PackageAlreadyExists(AlreadyExists):
    def __init__(self, key: str, bundle_id: str):
        super().__init__(f"Bundle {bundle_id} already exists in published project {key}",
                         f"Bundle {bundle_id} was already published to project {key} of the Project Deployer")


class PackageInUse(Conflict):
    def __init__(self, key: str, bundle_id: str, deployment_id: str):
        super().__init__(f"Cannot delete bundle {bundle_id} of {key}: deployment {deployment_id} is set to deploy it")


# --- deployments ------------------------------------------------------------------------------------------
class DeploymentNotFound(NotFound):
    def __init__(self, deployment_id: str):
        super().__init__(f"Deployment not found: {deployment_id}",
                         f"The Project Deployer has no deployment {deployment_id!r}")


class DeploymentAlreadyExists(AlreadyExists):
    def __init__(self, deployment_id: str):
        super().__init__(f"Deployment {deployment_id} already exists",
                         f"The Project Deployer already has a deployment with id {deployment_id}")


class InvalidDeploymentId(InvalidArgument):
    def __init__(self, deployment_id: object):
        super().__init__(f"Invalid deploymentId: {deployment_id!r}",
                         f"deploymentId must use {ID_RULE}, got {deployment_id!r}")


class MissingDeploymentField(InvalidArgument):
    def __init__(self, deployment_id: str, field: str, value: object):
        super().__init__(f"Invalid {field} for deployment {deployment_id}: {value!r} ({field} must be a non-empty "
                         f"string)")


class DeploymentFieldFixed(InvalidArgument):
    def __init__(self, deployment_id: str, field: str, current: object, wanted: object):
        super().__init__(f"Cannot change {field} of deployment {deployment_id} from {current!r} to {wanted!r}: it "
                         f"is fixed once the deployment exists; create another deployment")


class DeploymentTargetTaken(Conflict):
    """Unverified refusal: a second deployment of one project on one infra (see ``Deployments._check_target``)."""

    def __init__(self, other_id: str, project_key: str, infra_id: str):
        super().__init__(f"Deployment {other_id} already deploys to project {project_key} on infra {infra_id}; two "
                         f"deployments cannot target the same project of the same automation node")


class DeploymentNotDeletable(Conflict):
    def __init__(self, deployment_id: str, reason: str):
        super().__init__(f"Cannot delete deployment {deployment_id}: {reason}")


class DeploymentUpdating(DeploymentNotDeletable):
    def __init__(self, deployment_id: str):
        super().__init__(deployment_id, "an update is running")


class DeploymentEnabled(DeploymentNotDeletable):
    """EV-X07 (weak): only a deployment disabled, then updated, may be deleted."""

    def __init__(self, deployment_id: str):
        super().__init__(deployment_id, "it is enabled; disable it (enabled: false in its settings), update it, then "
                                        "delete it")


class DisabledNotUpdated(DeploymentNotDeletable):
    def __init__(self, deployment_id: str):
        super().__init__(deployment_id, "it was disabled but not updated since; update it, then delete it")


# --- updates ----------------------------------------------------------------------------------------------
class UpdateAlreadyRunning(Conflict):
    def __init__(self, deployment_id: str, job_id: str):
        super().__init__(f"An update of deployment {deployment_id} is already running (future {job_id})")


class NeverUpdated(NotFound):
    def __init__(self, deployment_id: str):
        super().__init__(f"Deployment {deployment_id} has never been updated")


class UpdateNotFound(NotFound):
    def __init__(self, deployment_id: str, ts: str):
        super().__init__(f"Update not found: {ts}", f"Deployment {deployment_id} has no update started at {ts}")


class InjectedUpdateFailure(DSSError):
    """An update failure armed through the control API (``message``: the text armed, or its default)."""


class UpdateFailed(DSSError):
    """A deployment update that failed on the automation node; the update future answers it."""

    error_type = "com.dataiku.dip.deployer.DeploymentUpdateException"


class NodeRefusedUpdate(UpdateFailed):
    """``error``: the error the automation node answered, as the client words it."""

    def __init__(self, error: object):
        super().__init__(f"Deployment update failed on the automation node: {error}")


class NodeUnreachable(UpdateFailed):
    def __init__(self, url: str, error: BaseException):
        super().__init__(f"Deployment update failed: cannot reach the automation node at {url}: "
                         f"{type(error).__name__}")


class TestingStatusUnreadable(Conflict):
    def __init__(self, project_key: str, url: str, error: BaseException):
        super().__init__(f"Cannot read the testing status of project {project_key} on the automation node at {url}: "
                         f"{type(error).__name__}")
