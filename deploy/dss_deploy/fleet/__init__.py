"""``python -m dss_deploy status``: the fleet at a glance — what runs where, what is untested, what drifted.

``collect`` reads the design node and its Project Deployer into ``facts``; ``flags`` judges them; ``render_*``
print them (terminal table, markdown, JSON, one HTML page); ``cli`` wires flags, environment and outputs.
"""
