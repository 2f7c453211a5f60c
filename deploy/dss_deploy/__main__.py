"""``python -m dss_deploy``: exit with the status :func:`dss_deploy.cli.main` answers."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
