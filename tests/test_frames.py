"""The harness's Go frame structs (exercises/harness/frames.go) and the Python
decoder (probes/frames.py) agree: every field Go writes is a field Python
reads, with the same name and a value of the right kind, and back."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, fields

from probes import frames
from workshop.engine import paths
from workshop.engine.toolchain import Toolchain


def test_every_go_frame_decodes_field_for_field(toolchain: Toolchain) -> None:
    out = subprocess.run(
        [toolchain.go, "run", "./tools/frameschema"],
        cwd=paths.EXERCISES,
        env=toolchain.env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    ).stdout
    seen = set()
    for line in out.splitlines():
        raw = json.loads(line)
        kind = raw.pop("type")
        frame = frames.decode(line)
        assert frame is not None, f"{kind} does not decode: {line}"
        assert type(frame) is frames.KINDS[kind]
        names = {f.name for f in fields(frame)}
        assert set(raw) == names, f"{kind}: Go writes {sorted(raw)}, Python reads {sorted(names)}"
        assert all(v is not None for v in asdict(frame).values()), f"{kind}: a field was lost"
        seen.add(kind)
    assert seen == set(frames.KINDS), f"no Go frame for {set(frames.KINDS) - seen}"


def test_lines_that_are_not_frames_are_refused() -> None:
    assert frames.decode("not json") is None
    assert frames.decode('{"type": "nonsense", "t": 1}') is None
    assert frames.decode('{"type": "baseline", "t": 1}') is None  # threads missing
    assert frames.decode('{"type": "baseline", "t": 1, "threads": "many"}') is None
    tick = frames.decode('{"type": "tick", "t": 2, "phase": "setup", "dropped": 0}')
    assert tick == frames.Tick(t=2.0, phase="setup", dropped=0)
