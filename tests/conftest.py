pytest_plugins = ["dss_emulator.pytest_plugin"]
