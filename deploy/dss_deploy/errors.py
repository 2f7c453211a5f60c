"""One exception root, one subclass per way a run can fail; ``cli`` maps each family to an exit status.

Messages say what happened and what to do next. They never contain an API key or certificate: the reporter also
redacts every secret value from whatever it prints, as a second line of defence.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from dataikuapi.utils import DataikuException


class DeployError(Exception):
    """Root of every expected failure; ``title`` heads the GitHub annotation."""

    title = "Deploy failed"


class UsageError(DeployError):
    """Bad or missing input (a flag, an environment variable, the checkout)."""

    title = "Invalid input"


class OutOfSync(DeployError):
    """DSS does not hold exactly the commit under test (uncommitted changes, or another content tree)."""

    title = "DSS and git are out of sync"


class BundleRejected(DeployError):
    """The bundle to deploy is missing, untested, or was exported from other content."""

    title = "Bundle rejected"


class DeployFailed(DeployError):
    """The deployment update failed, timed out, or left the deployment unhealthy."""

    title = "Deployment failed"


class DeployTimeout(DeployFailed):
    title = "Deployment timed out"


class TestsFailed(DeployError):
    """tests.py failed on the deployed bundle (no rollback was possible or wanted)."""

    __test__ = False  # not a pytest class
    title = "Tests failed"


class TestsCannotRun(TestsFailed):
    """tests.py could not be run at all (its JUnit report cannot be written, pytest cannot start)."""

    title = "Tests could not run"


class TestsFailedRolledBack(TestsFailed):
    """tests.py failed in production and the previous bundle was deployed again."""

    title = "Tests failed, rolled back"


class RollbackFailed(DeployError):
    """A release failed in production and putting the previous bundle back failed too."""

    title = "Rollback failed"


class Superseded(DeployError):
    """Another run changed the deployment while this one was deploying or testing; nothing is rolled back."""

    title = "Superseded by another run"


class GitError(DeployError):
    """A git command on the checkout failed unexpectedly."""

    title = "git failed"


class DssApiError(DeployError):
    """A DSS call failed in a way no step expected (permissions, an unreachable node, a DSS error)."""

    title = "DSS API call failed"


@contextmanager
def dss_call(what: str, error: type[DeployError] = DssApiError) -> Iterator[None]:
    """Turn a client or transport error raised inside the block into ``error("<what> failed: ...")``."""
    try:
        yield
    except DataikuException as exc:
        raise error(f"{what} failed: {exc}") from None
    except requests.Timeout as exc:
        raise error(f"{what} failed: DSS did not answer in time ({type(exc).__name__}: {exc})") from None
    except requests.RequestException as exc:
        raise error(f"{what} failed: cannot reach DSS ({type(exc).__name__}: {exc})") from None


def is_not_found(exc: BaseException) -> bool:
    """True for DSS's "object not found" answers (``NotFoundException`` error type)."""
    return isinstance(exc, DataikuException) and "NotFoundException" in str(exc)
