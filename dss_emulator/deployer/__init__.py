"""The Project Deployer of a design node: infras, published projects and deployments updated over HTTP."""
