"""Running scenarios: trigger fires, runs, steps, and test reports."""
