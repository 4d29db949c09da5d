"""Chinese for the command-line framework's own words (Click and Typer): "Usage:", the Options / Commands
panels, "Show this message and exit.", "[default: …]" and the parse errors ("No such option …").

Click and Typer mark these for gettext but look them up in the process's global gettext domain (``.mo``
files on disk), which a Python package cannot set for itself without taking the domain from its host. So
:func:`localise_cli` rebinds the ``_`` / ``ngettext`` names their modules imported from :mod:`gettext`, and
rebuilds the panel titles Typer computed at import, from the table below (keys: the frameworks' msgids,
exactly as they are written in Click 8.x / Typer 0.x). A msgid not in the table stays English, as gettext
would leave it. Hand-written because no maintained package ships Click/Typer translations.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable

#: Click / Typer msgid -> Simplified Chinese
ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Usage: ": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Positional arguments": "位置参数",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "Aborted!": "已中止！",
    "Aborted.": "已中止。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "(deprecated) ": "（已弃用）",
    "deprecated": "已弃用",
    "[default: {}]": "[默认：{}]",
    "default: {default}": "默认：{default}",
    "[env var: {}]": "[环境变量：{}]",
    "env var: {var}": "环境变量：{var}",
    "[required]": "[必填]",
    "required": "必填",
    "(dynamic)": "（动态）",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Do you want to continue?": "是否继续？",
    # ngettext pairs: keyed by the singular msgid (Chinese has one form)
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Did you mean {possibility}?": "您是否想输入 {possibility}？",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
}

#: ngettext plural msgid -> Chinese (the plural's placeholders, which can differ from the singular's)
ZH_PLURAL: dict[str, str] = {
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "(Did you mean one of: {possibilities}?)": "（您是否想输入以下之一：{possibilities}？）",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合以下任一格式：{formats}。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
}

#: the modules that imported gettext's ``_`` / ``ngettext`` at their top
_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "typer.core",
    "typer.rich_utils",
)

#: Typer's constants computed with ``_`` when it was imported
_TYPER_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def gettext_zh(message: str) -> str:
    """``gettext`` for Chinese: the table's text, or the message itself."""
    return ZH.get(message, message)


def ngettext_zh(singular: str, plural: str, n: int) -> str:
    """``ngettext`` for Chinese (one form): the plural's own translation when it has one."""
    return gettext_zh(singular) if n == 1 else ZH_PLURAL.get(plural, plural)


def localise_cli(lang: str) -> None:
    """Make Click and Typer speak ``lang`` (only ``zh`` changes anything; English is their own).

    Call once, before the app parses its command line (the help texts are built from it)."""
    if lang != "zh":
        return
    translate: Callable[[str], str] = gettext_zh
    for name in _MODULES:
        # only what is loaded: Typer >= 0.20 carries its own copy of Click, so importing Click here would add
        # ~60 ms to every command's start for nothing (typer.rich_utils is imported: it renders the help)
        module = sys.modules.get(name) or (importlib.import_module(name) if name.startswith("typer.") else None)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext_zh  # type: ignore[attr-defined]
    rich_utils = importlib.import_module("typer.rich_utils")
    for constant, msgid in _TYPER_CONSTANTS.items():
        if hasattr(rich_utils, constant):
            setattr(rich_utils, constant, translate(msgid))
    _localise_typer_click()


def _localise_typer_click() -> None:
    """Typer 0.2x carries its own copy of Click (``typer._click``) with the English written in, not marked
    for gettext: the usage prefix, the help option's text and "No such option" are translated where they
    are made. tests/commands/test_common.py fails if a Typer upgrade moves them."""
    try:
        core = importlib.import_module("typer._click.core")
        formatting = importlib.import_module("typer._click.formatting")
        exceptions = importlib.import_module("typer._click.exceptions")
    except ModuleNotFoundError:
        return
    if getattr(core, "_qiankua_zh", False):
        return
    setattr(core, "_qiankua_zh", True)  # noqa: B010 - a marker on a module: applied once

    write_usage = formatting.HelpFormatter.write_usage

    def write_usage_zh(self: object, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, gettext_zh("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage_zh

    get_help_option = core.Command.get_help_option

    def get_help_option_zh(self: object, ctx: object) -> object:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = gettext_zh("Show this message and exit.")
        return option

    core.Command.get_help_option = get_help_option_zh

    for cls in vars(exceptions).values():  # every error class that words its own message
        if isinstance(cls, type) and issubclass(cls, Exception) and "format_message" in vars(cls):
            cls.format_message = _zh_message(vars(cls)["format_message"])  # type: ignore[attr-defined]


def _zh_message(format_message: Callable[[object], str]) -> Callable[[object], str]:
    def translated(self: object) -> str:
        return usage_error_zh(format_message(self))

    return translated


_KINDS = {"option": "选项", "argument": "参数", "parameter": "参数"}

#: Typer's parse errors, as its copy of Click words them -> Chinese (the reason after "Invalid value for X:"
#: is pydantic's, translated by :func:`qiankua.i18n.validation.translate`)
_USAGE_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"No such option: (?P<name>\S+)(?: \(Possible options: (?P<options>.*)\))?$", re.S),
        lambda m: f"没有选项：{m['name']}" + (f"（可用选项：{m['options']}）" if m["options"] else ""),
    ),
    (
        re.compile(r"Invalid value for (?P<hint>.+?): (?P<reason>.*)$", re.S),
        lambda m: f"{m['hint']} 的值无效：{_reason_zh(m['reason'])}",
    ),
    (re.compile(r"Invalid value: (?P<reason>.*)$", re.S), lambda m: f"值无效：{_reason_zh(m['reason'])}"),
    (
        re.compile(r"Missing (?P<kind>option|argument|parameter)(?P<hint> [^.]+)?\.(?P<rest>.*)$", re.S),
        lambda m: f"缺少{_KINDS[m['kind']]}{m['hint'] or ''}。{m['rest'].strip()}".rstrip(),
    ),
    (
        re.compile(r"No such command (?P<name>.+?)\.(?: Did you mean (?P<maybe>.+)\?)?$", re.S),
        lambda m: f"没有命令 {m['name']}。" + (f"您是不是要找 {m['maybe']}？" if m["maybe"] else ""),
    ),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$", re.S),
        lambda m: f"多余的参数（{m['args']}）",
    ),
    (
        re.compile(r"Option (?P<name>\S+) requires (?:an argument|(?P<n>\d+) arguments)\.$", re.S),
        lambda m: f"选项 {m['name']} 需要{m['n'] or '一'}个值。",
    ),
    (re.compile(r"Missing command\.$"), lambda m: "缺少命令。"),
    (  # typer.core appends the suggestion to the (already translated) "No such command"
        re.compile(r"(?P<head>.+?)。?\. Did you mean (?P<maybe>.+)\?$", re.S),
        lambda m: f"{m['head']}。您是不是要找 {m['maybe']}？",
    ),
)


def _reason_zh(reason: str) -> str:
    from qiankua.i18n.validation import translate

    return translate(reason, "zh")


def usage_error_zh(message: str) -> str:
    """A command-line parse error in Chinese when a rule knows it; else as it came."""
    for pattern, render in _USAGE_RULES:
        match = pattern.match(message.strip())
        if match:
            return render(match)
    return message
