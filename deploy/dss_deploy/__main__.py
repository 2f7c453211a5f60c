"""``python -m dss_deploy``: exit with the status :func:`dss_deploy.cli.main` answers.

``python -m dss_deploy status ...`` runs the fleet status command instead (:mod:`dss_deploy.fleet`);
``python -m dss_deploy plugin ...`` the plugin pipeline (:mod:`dss_deploy.plugin_cli`).
"""
import sys

from .cli import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["status"]:
        from .fleet.cli import main as status
        sys.exit(status(sys.argv[2:]))
    if sys.argv[1:2] == ["plugin"]:
        from .plugin_cli import main as plugin
        sys.exit(plugin(sys.argv[2:]))
    sys.exit(main())
