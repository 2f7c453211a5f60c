"""``python -m dss_emulator serve`` as a real process the tests can kill and restart."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dataikuapi import DSSClient

ADMIN = "serve-admin-key"
ROOT = Path(__file__).resolve().parents[2]


class Serve:
    """``python -m dss_emulator serve`` in a subprocess, on a free port, with ``data_dir`` and ``options``."""

    def __init__(self, data_dir: Path, *options: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dss_emulator", "serve", "--port", "0", "--data-dir", str(data_dir),
             "--admin-key", ADMIN, "--name", "design", *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.early = ""  # what it printed before being ready (recovery warnings)
        for line in self.proc.stdout:
            if " ready at " in line:
                break
            self.early += line
        assert " ready at " in line, self.early
        self.url = line.split(" ready at ")[1].strip()
        self.client = DSSClient(self.url, ADMIN)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.proc.stdout.close()

    def stop(self) -> str:
        self.client._session.close()  # no keep-alive connection for the graceful shutdown to wait for
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        return self.early + out
