"""Engine commands for the CLI: ``qiankua/commands/<engine>.py`` defines ``register(app)``.

Use the plumbing in :mod:`qiankua.commands.common` (``run``, ``JsonOpt``, ``state``, ``out``,
``emit_json``, ``user_db``), never :mod:`qiankua.cli` (which loads these modules), so every command
prints one JSON document with ``--json`` and maps errors to exit codes 2 (bad input) and 1
(internal) the same way.
"""
