"""The offline plan of the Pulumi program (``python -m gitops_plan``) and the harness it shares with the tests and
the bench: the program run under Pulumi mocks, the DSS requests recorded. Not part of the program's runtime."""
