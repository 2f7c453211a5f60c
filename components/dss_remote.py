"""Onboarding as a resource: point a DSS project's git remote at its GitHub repository and push its dev branch,
which creates dev on GitHub (the program declares no dev branch for project repositories).

A Pulumi dynamic resource, so it happens in ``pulumi up`` (create / update) and never in a preview: ``check`` and
``diff`` only compare values, they make no DSS call. The DSS API key is a secret input; it is not an output and no
error message contains it.

What create and update do, through dataikuapi on the design node (:func:`onboard`):

1. ``set_remote(url)`` as ``origin`` and ``fetch()``;
2. make the dev branch the project's current branch: created from HEAD when absent (the project's content does not
   change); a local dev branch that is not the current one is an error, since switching would change the project;
3. integrate GitHub's history:

   - GitHub has no dev yet (first onboarding): ``pull`` prod with rebase, so the project's commits are replayed on
     top of prod, which holds the generated workflows and tests.py: DSS's history contains them and pull requests
     dev → prod share ancestry;
   - GitHub has dev (a re-run, or DSS pushed before): ``pull`` it with rebase, as DSS's own Pull does;
   - GitHub has neither (the repository is not ready): an error, nothing is pushed;

4. ``push`` the dev branch, then ``fetch`` and check that GitHub lists it (``list_branches(remote=True)``).

A refused step (a rebase conflict, a refused push, DSS unreachable) does not fail the resource, so one project
cannot stop Pulumi from starting the other projects' steps: create / update succeed and record the one-line reason
in the ``failure`` output (None after a success), which the program reports in its stack outputs. A recorded failure
makes the next run's ``diff`` ask for an update, which tries again.

Delete leaves the DSS project alone, on purpose: repositories are archived (not deleted) on destroy, the project's
history stays where it is, and the usual reason for a delete is that the DSS project itself is gone. It also means
the API key need not be kept in the state's outputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ResourceProvider, UpdateResult

from . import dss_http, git_url
from .dss_connection import dss_client

REMOTE = "origin"
_INPUTS = ("project_key", "remote_url", "branch", "prod_branch", "design_url")
_REPLACING = ("project_key", "design_url")  # another project: onboard it afresh
_TLS_INPUTS = ("client_certificate", "ca_bundle")  # how to reach DSS, not what to do there: no diff on them
DEFAULT_TIMEOUT_SECONDS = 120.0  # for a state written before timeout_seconds was an input


class OnboardingError(Exception):
    """DSS refused a step of the onboarding; the message names the project, the step and DSS's answer."""


def onboard(client: DSSClient, project_key: str, remote_url: str, branch: str, prod_branch: str) -> str:
    """Point ``project_key``'s ``origin`` at ``remote_url``, build ``branch`` on GitHub's history (its ``branch``,
    else ``prod_branch``) and push it; return the pushed commit. See the module docstring.

    A URL :mod:`components.git_url` refuses is refused here too, before any DSS call."""
    problem = git_url.url_problem(remote_url)
    if problem:
        raise OnboardingError(f"DSS project {project_key}: remote_url {problem}; nothing was changed "
                              f"(got {git_url.shown(remote_url)})")
    git = client.get_project(project_key).get_project_git()
    step = "set the git remote"
    try:
        git.set_remote(remote_url, name=REMOTE)
        step = "fetch"
        _succeeded(project_key, step, git.fetch())
        step = "select the branch"
        current = git.get_status().get("currentBranch")
        if current != branch:
            if branch in _short_names(git.list_branches()):
                raise OnboardingError(f"DSS project {project_key}: its current branch is {current!r} but a local "
                                      f"branch {branch!r} exists; switch the project to {branch!r} in DSS first")
            step = f"create branch {branch}"
            _succeeded(project_key, step, git.create_branch(branch))
        on_github = _short_names(git.list_branches(remote=True))
        if f"{REMOTE}/{branch}" in on_github:
            step = f"pull --rebase {REMOTE}/{branch}"
            _succeeded(project_key, step, git.pull(branch))
        elif f"{REMOTE}/{prod_branch}" in on_github:
            step = f"rebase {branch} onto {REMOTE}/{prod_branch}"
            _succeeded(project_key, step, git.pull(prod_branch))
        else:
            raise OnboardingError(f"DSS project {project_key}: {remote_url} has neither a {branch!r} nor a "
                                  f"{prod_branch!r} branch to build on; nothing was pushed")
        step = f"push {branch}"
        _succeeded(project_key, step, git.push(branch))
        step = f"check that {REMOTE} has {branch}"
        _succeeded(project_key, step, git.fetch())
        if f"{REMOTE}/{branch}" not in _short_names(git.list_branches(remote=True)):
            raise OnboardingError(f"DSS project {project_key}: DSS reported the push of {branch!r} as done but "
                                  f"{remote_url} has no {branch!r} branch")
        step = "read the pushed commit"
        return git.log(count=1)["entries"][0]["commit"]
    except DataikuException as exc:
        raise OnboardingError(f"DSS project {project_key}: could not {step}: {exc}") from None
    except requests.Timeout:
        raise OnboardingError(f"DSS project {project_key}: could not {step}: {client.host} gave no answer within "
                              f"{dss_http.timeout_of(client)} s (dssTimeoutSeconds)") from None
    except requests.RequestException as exc:
        raise OnboardingError(f"DSS project {project_key}: could not {step}: {type(exc).__name__} reaching "
                              f"{client.host}") from None


def _short_names(names: list[str]) -> set[str]:
    """Branch names as ``dev`` / ``origin/dev``, whether DSS lists them so or as full refs (no public evidence of
    the format ``list_branches`` answers)."""
    return {n.removeprefix("refs/heads/").removeprefix("refs/remotes/").removeprefix("remotes/") for n in names}


def _succeeded(project_key: str, step: str, result: Any) -> None:
    if isinstance(result, dict) and result.get("success") is False:
        output = str(result.get("output") or result.get("logs") or "no output").strip()
        raise OnboardingError(f"DSS project {project_key}: {step} failed: {output}")


class DssGitRemoteProvider(ResourceProvider):
    """Dynamic provider of :class:`DssGitRemote` (see the module docstring)."""

    def check(self, _olds: dict, news: dict) -> CheckResult:
        failures = [CheckFailure(name, f"{name} must be a non-empty string")
                    for name in (*_INPUTS, "api_key") if not isinstance(news.get(name), str) or not news.get(name)]
        failures += [CheckFailure(name, f"{name} must be a PEM string or absent")
                     for name in _TLS_INPUTS if not isinstance(news.get(name), str | None)]
        problem = git_url.url_problem(news.get("remote_url") or "")
        if problem and not failures:
            shown = git_url.shown(news["remote_url"])
            failures.append(CheckFailure("remote_url", f"remote_url {problem} (got {shown})"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        changes = [name for name in _INPUTS if olds.get(name) != news.get(name)]
        return DiffResult(changes=bool(changes) or bool(olds.get("failure")),
                          replaces=[n for n in changes if n in _REPLACING], delete_before_replace=False)

    def create(self, props: dict) -> CreateResult:
        return CreateResult(id_=props["project_key"], outs=self._apply(props))

    def update(self, _id: str, _olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(outs=self._apply(news))

    def delete(self, _id: str, _props: dict) -> None:
        """Leave the DSS project and its remote as they are (module docstring: why)."""

    @staticmethod
    def _apply(props: dict) -> dict:
        outs = {name: props[name] for name in _INPUTS}
        try:
            with dss_client(props["design_url"], props["api_key"], props.get("client_certificate"),
                            props.get("ca_bundle"),
                            float(props.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS)) as client:
                outs["pushed_commit"] = onboard(client, props["project_key"], props["remote_url"],
                                                props["branch"], props["prod_branch"])
            outs["failure"] = None
        except OnboardingError as exc:  # recorded, not raised: the other projects go on (module docstring)
            outs.update(pushed_commit=None, failure=str(exc))
        return outs


@dataclass(frozen=True)
class DssGitRemoteArgs:
    project_key: str
    remote_url: pulumi.Input[str]
    branch: str
    """The dev branch DSS pushes."""
    prod_branch: str
    """The branch a new dev is rebased onto (it holds the generated files)."""
    design_url: str
    api_key: pulumi.Input[str]
    client_certificate: pulumi.Input[str] | None = None
    """PEM of the mTLS client certificate and its key (a secret), when DSS sits behind an mTLS proxy."""
    ca_bundle: str | None = None
    """PEM of the CAs DSS's certificate is checked against, instead of the system's."""
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    """Connect / read limit of each DSS request (config ``dssTimeoutSeconds``); not compared by ``diff``."""


class DssGitRemote(pulumi.dynamic.Resource):
    """A DSS project's git remote pointed at its repository, with the dev branch (rebased onto prod) pushed there."""

    project_key: pulumi.Output[str]
    remote_url: pulumi.Output[str]
    pushed_commit: pulumi.Output[str | None]
    """The DSS commit the last create/update pushed (None when it failed)."""
    failure: pulumi.Output[str | None]
    """Why the last create/update pushed nothing (one line, no secret), or None."""

    def __init__(self, name: str, args: DssGitRemoteArgs, opts: pulumi.ResourceOptions | None = None):
        props = {"project_key": args.project_key, "remote_url": args.remote_url, "branch": args.branch,
                 "prod_branch": args.prod_branch, "design_url": args.design_url,
                 "api_key": pulumi.Output.secret(args.api_key), "ca_bundle": args.ca_bundle,
                 "client_certificate": None if args.client_certificate is None
                 else pulumi.Output.secret(args.client_certificate), "timeout_seconds": args.timeout_seconds,
                 "pushed_commit": None, "failure": None}
        super().__init__(DssGitRemoteProvider(), name, props, opts)
