"""The plugin's tests import its python-lib, as DSS does for the plugin's components."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-lib"))
