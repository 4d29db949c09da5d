"""User-facing text in Simplified Chinese (``zh``) and English (``en``).

Messages are keyed; :func:`t` formats one in a language. The default language
comes from ``QIANKUA_LANG`` or the locale (``zh*`` → Chinese, otherwise English).
Numbers and money are formatted with babel (:func:`fmt_number`, :func:`fmt_money`).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from qiankua.i18n.catalog import MESSAGES as _CORE
from qiankua.settings import current


@cache
def messages() -> dict[str, dict[str, str]]:
    """Core messages plus each engine's ``qiankua.i18n.<engine>.MESSAGES`` where present."""
    from qiankua.plugins import engine_modules

    merged = dict(_CORE)
    for _engine, module in engine_modules("i18n"):
        merged.update(module.MESSAGES)
    from qiankua.i18n.scenario import MESSAGES as scenario_messages  # saved scenarios: no engine of their own

    merged.update(scenario_messages)
    return merged


LANGS = ("zh", "en")
_BABEL_LOCALE = {"zh": "zh_Hans_CN", "en": "en_US"}


def default_lang() -> str:
    value = current().lang
    if value:
        return "zh" if value.lower().startswith("zh") else "en"
    return "zh"


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (falls back to English, then to the key)."""
    table = messages().get(key)
    if table is None:
        return key
    text = table.get(lang) or table.get("en") or key
    return text.format(**values) if values else text


def both(key: str, **values: object) -> str:
    """``中文 / English`` in one string, for files read by either audience."""
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"


def fmt_number(value: float | int | Decimal, lang: str, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_BABEL_LOCALE.get(lang, "en_US"))


def fmt_money(amount: Decimal | float, currency: str, lang: str) -> str:
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=_BABEL_LOCALE.get(lang, "en_US"))


__all__ = ["LANGS", "both", "default_lang", "fmt_money", "fmt_number", "messages", "t"]
