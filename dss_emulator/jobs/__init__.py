"""Running builds: jobs, the flow graph, and the subprocess runner for Python code."""
