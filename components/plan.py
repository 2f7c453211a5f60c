"""``python -m components.plan``: the offline plan under the command name the docs and other tools use.

The harness (Pulumi mocks, request recording, rendering) lives in :mod:`gitops_plan`, outside the program's runtime
package; it is imported only when this module runs as a command, never by the program.
"""
if __name__ == "__main__":
    import sys

    from gitops_plan.plan import main

    sys.exit(main())
