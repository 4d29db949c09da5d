"""``qiankua serve`` (web app + REST API on one uvicorn server) and ``qiankua account`` (multi-user)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qiankua.commands.common import JsonOpt, emit_json, out, run, state
from qiankua.i18n import default_lang, t

_LANG = default_lang()


def _h(key: str) -> str:
    return t(key, _LANG)


def register(app: typer.Typer) -> None:
    @app.command("serve", help=_h("serve.help"))
    def serve(
        host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8080,
        multi_user: Annotated[bool, typer.Option("--multi-user", help=_h("serve.multi_user"))] = False,
        home: Annotated[Path | None, typer.Option("--home", help="QIANKUA_HOME (accounts, orgs/<org>/)")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.api.app import Settings, serve

        settings = Settings(multi_user=multi_user, home=home, db=state.db)
        message = t("serve.starting", state.lang, host=host, port=port)
        if as_json:
            # a server prints logs, not one JSON document: --json describes what would be served and exits
            emit_json(
                {
                    "ok": True,
                    "serving": False,
                    "host": host,
                    "port": port,
                    "multi_user": multi_user,
                    "url": f"http://{host}:{port}",
                    "api": f"http://{host}:{port}/api/v1",
                    "docs": f"http://{host}:{port}/api/v1/docs",
                    "message": message,
                }
            )
            return
        out.print(message)
        serve(settings, host, port)

    account_app = typer.Typer(help=_h("account.help"), no_args_is_help=True)
    app.add_typer(account_app, name="account")

    def _store(home: Path | None) -> object:
        from qiankua.services.accounts import AccountStore, qiankua_home

        return AccountStore((home or qiankua_home()) / "accounts.sqlite3")

    @account_app.command("add", help=_h("account.add.help"))
    def account_add(
        username: Annotated[str, typer.Argument()],
        org: Annotated[str, typer.Option("--org", help="organisation id, e.g. danzhai-coop")],
        password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True)],
        home: Annotated[Path | None, typer.Option("--home")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        run(
            as_json,
            lambda: _store(home).add_user(username, password, org),  # type: ignore[attr-defined]
            lambda i: out.print(t("account.add.ok", state.lang, username=i.username, org=i.org)),
            lambda i: {"ok": True, "username": i.username, "org": i.org},
        )

    @account_app.command("list", help=_h("account.list.help"))
    def account_list(home: Annotated[Path | None, typer.Option("--home")] = None, as_json: JsonOpt = False) -> None:
        run(
            as_json,
            lambda: _store(home).users(),  # type: ignore[attr-defined]
            lambda users: out.print("\n".join(f"{u.org}\t{u.username}" for u in users)),
            lambda users: {"ok": True, "users": [{"username": u.username, "org": u.org} for u in users]},
        )
