"""Per-request context for pages: language (cookie, zh default), formatting with babel, and the
process's :class:`~qiankua.services.accounts.Accounts` (set once by :func:`qiankua.web.mount`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from starlette.requests import Request

from qiankua.i18n import fmt_money, fmt_number

if TYPE_CHECKING:
    from qiankua.services.accounts import Accounts

LANG_COOKIE = "qk_lang"
_ACCOUNTS: list[Accounts] = []


def set_accounts(accounts: Accounts) -> None:
    _ACCOUNTS[:] = [accounts]


def accounts() -> Accounts:
    """The server's accounts (the admin page manages them through it, so open tabs close at once)."""
    if not _ACCOUNTS:
        raise RuntimeError("the web pages are not mounted")
    return _ACCOUNTS[0]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def lang_of(request: Request) -> str:
    """``en`` only when the user chose it; Chinese is the default."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


def safe_next(url: str | None) -> str:
    """Only same-site paths: no open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


def number(value: float | int | Decimal | None, lang: str, digits: int = 0) -> str:
    return "—" if value is None else fmt_number(value, lang, digits)


def money(value: float | Decimal | None, currency: str, lang: str) -> str:
    return "—" if value is None else fmt_money(value, currency, lang)


def date(value: dt.date | None, lang: str) -> str:
    from babel.dates import format_date

    if value is None:
        return "—"
    return format_date(value, format="medium", locale="zh_Hans_CN" if lang == "zh" else "en_US")
