"""Composition root: read and validate the configuration once, then let the program declare the repositories.

Everything happens in components/: settings (config → validated Settings), discovery, naming, deletion guard,
ProjectRepository / PluginRepository, the DSS onboarding resource. Offline view: `python -m gitops_plan --help`.
"""
import functools

import pulumi

from components.program import run_program
from components.settings import load_settings

settings = load_settings(pulumi.Config())
pulumi.run(functools.partial(run_program, settings))
