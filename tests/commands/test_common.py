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


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QIANKUA_LANG="en", COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return subprocess.run([sys.executable, "-m", "qiankua.cli", *args], capture_output=True, text=True, env=env)


def test_the_frameworks_own_words_are_chinese_too():
    """Issue 20: "Usage:", the Options/Commands panels and the help option's text come from Typer (its copy
    of Click): on a Chinese help page they are Chinese, and English stays English."""
    zh = _cli("--lang", "zh", "--help").stdout
    assert "用法：" in zh and "选项" in zh and "命令" in zh and "显示本帮助并退出。" in zh
    for english in ("Usage:", "Options", "Commands", "Show this message"):
        assert english not in zh, english
    sub = _cli("--lang", "zh", "quote", "--help").stdout
    assert "用法：" in sub and "[默认：CNY]" in sub and "Usage:" not in sub
    en = _cli("--lang", "en", "--help").stdout
    assert "Usage:" in en and "Show this message and exit." in en and "用法" not in en


def test_parse_errors_are_chinese_on_a_chinese_command_line():
    cases = {
        ("quote", "--nope"): "没有选项：--nope",
        ("quote", "--quantity", "x"): "'--quantity' 的值无效：应为整数",
        ("quot",): "没有命令 'quot'。您是不是要找 'quote'？",
        ("quote", "extra"): "多余的参数（extra）",
        ("quote", "--product"): "选项 '--product' 需要一个值。",
        ("data", "import"): "缺少参数 'file'。",
    }
    for args, expected in cases.items():
        result = _cli("--lang", "zh", *args)
        assert result.returncode == 2, (args, result.stderr[-500:])
        assert expected in result.stderr, (args, result.stderr[-800:])
        assert "错误" in result.stderr and "Error" not in result.stderr
    en = _cli("--lang", "en", "quote", "--nope")
    assert "No such option: --nope" in en.stderr and "没有" not in en.stderr


def test_an_unknown_message_stays_as_it_came():
    from qiankua.i18n.framework import ngettext_zh, usage_error_zh

    assert usage_error_zh("Something new from a later Typer") == "Something new from a later Typer"
    assert ngettext_zh("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 2) == (
        "选项 {name!r} 需要 {nargs} 个值。"
    )


_WALK = r"""
import json, re, sys, typer
from qiankua.cli import app
cjk = re.compile(r"[\u4e00-\u9fff]")
want_cjk = sys.argv[1] == "zh"
bad = []
def walk(c, path):
    texts = [("command", c.help or "")] + [(p.name, getattr(p, "help", None) or "") for p in c.params]
    for name, text in texts:
        # zh: Chinese in it; en: English words in it (an English text may quote a Chinese name, e.g. 修文县)
        english = len(re.findall(r"[A-Za-z]", text)) > len(cjk.findall(text))
        if text and not (cjk.search(text) if want_cjk else english):
            bad.append(f"{path} {name}: {text[:60]}")
    for name, sub in getattr(c, "commands", {}).items():
        walk(sub, f"{path} {name}")
walk(typer.main.get_command(app), "qiankua")
print(json.dumps(bad))
"""


def test_every_help_text_is_in_the_chosen_language():
    """Every command's and every option's help is Chinese with --lang zh and English with --lang en,
    whichever language the machine is set to: no module builds its help from the locale alone."""
    import json

    for lang, machine in (("zh", "en"), ("en", "zh")):
        env = dict(os.environ, QIANKUA_LANG=machine)
        result = subprocess.run(
            [sys.executable, "-c", _WALK, lang, "--lang", lang], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert json.loads(result.stdout) == [], (lang, result.stdout[:2000])
