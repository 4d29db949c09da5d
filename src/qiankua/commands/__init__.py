"""Engine commands for the CLI: ``qiankua/commands/<engine>.py`` defines ``register(app)``.

Use the plumbing in :mod:`qiankua.cli` (``run``, ``JsonOpt``, ``state``, ``out``,
``emit_json``) so every command prints one JSON document with ``--json`` and maps
errors to exit codes 2 (bad input) and 1 (internal) the same way.
"""
