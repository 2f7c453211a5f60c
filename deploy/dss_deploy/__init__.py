"""dss_deploy: the deploy script the generated GitHub workflows run through the composite action in ``deploy/``.

Run ``python -m dss_deploy --help``. Entry point: :func:`dss_deploy.cli.main`.
"""
