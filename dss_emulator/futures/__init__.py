"""Long-running tasks (DSS futures): deployment updates, project deletion, installs."""
