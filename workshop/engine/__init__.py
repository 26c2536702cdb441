"""The headless engine, shared by `pinlab check` and the workshop app: the
catalog and workspace, builds, the sandboxed scenario runs, the typed stream
of what a check sees, and the verdicts. No Textual here: it sits on probes/
and under widgets/ and the app (tests/test_layering.py checks the direction)."""
