"""The headless check and the probes never import Textual: CI and
`pinlab probe` must work without loading the UI."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = ["workshop.cli", "workshop.session", "workshop.report", "workshop.sandbox"]


def test_check_path_does_not_import_textual() -> None:
    code = (
        "import sys, importlib\n"
        f"for m in {HEADLESS!r}: importlib.import_module(m)\n"
        "from workshop import cli\n"
        "cli._parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
