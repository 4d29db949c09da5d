"""``qiankua --lang zh --help`` is Chinese: the language is read from the command line before the help texts
are built."""

from __future__ import annotations

import os
import subprocess
import sys

from qiankua.commands.common import _argv_lang


def test_lang_is_read_from_the_command_line():
    assert _argv_lang(["--lang", "zh", "--help"]) == "zh"
    assert _argv_lang(["--lang=en", "quote", "--help"]) == "en"
    assert _argv_lang(["quote", "--help"]) is None


def test_help_in_chinese_on_an_english_machine():
    env = dict(os.environ, QIANKUA_LANG="en")
    result = subprocess.run(
        [sys.executable, "-m", "qiankua.cli", "--lang", "zh", "--help"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "贵州跨境电商" in result.stdout
