"""``qiankua serve`` (web app + REST API on one uvicorn server) and ``qiankua account`` (multi-user)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qiankua.commands.common import JsonOpt, _h, emit_json, out, run, state
from qiankua.i18n import t

# module level: typer evaluates the string annotations against the module globals
HomeOpt = Annotated[Path | None, typer.Option("--home")]

if TYPE_CHECKING:
    from qiankua.services.accounts import AccountStore, UserInfo


def register(app: typer.Typer) -> None:
    @app.command("serve", help=_h("serve.help"))
    def serve(
        host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8080,
        multi_user: Annotated[bool, typer.Option("--multi-user", help=_h("serve.multi_user"))] = False,
        home: Annotated[Path | None, typer.Option("--home", help=_h("cli.opt.home"))] = None,
        secure_cookies: Annotated[
            bool | None, typer.Option("--secure-cookies/--no-secure-cookies", help=_h("serve.secure_cookies"))
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.api.app import Settings, serve

        settings = Settings(multi_user=multi_user, home=home, db=state.db, secure_cookies=secure_cookies)
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
                    "secure_cookies": secure_cookies,
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

    def _store(home: Path | None) -> AccountStore:
        from qiankua.services.accounts import AccountStore, qiankua_home

        return AccountStore((home or qiankua_home()) / "accounts.sqlite3")

    def _user_doc(u: UserInfo) -> dict[str, object]:
        return {
            "username": u.username,
            "org": u.org,
            "role": u.role,
            "disabled": u.disabled,
            "created_at": u.created_at,
        }

    @account_app.command("add", help=_h("account.add.help"))
    def account_add(
        username: Annotated[str, typer.Argument()],
        org: Annotated[str, typer.Option("--org", help=_h("cli.opt.org"))],
        password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True)],
        admin: Annotated[bool, typer.Option("--admin", help=_h("cli.opt.admin"))] = False,
        home: HomeOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        run(
            as_json,
            lambda: _store(home).add_user(username, password, org, role="admin" if admin else "member"),
            lambda i: out.print(t("account.add.ok", state.lang, username=i.username, org=i.org)),
            lambda i: {"ok": True, "username": i.username, "org": i.org, "role": i.role},
        )

    @account_app.command("list", help=_h("account.list.help"))
    def account_list(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
        run(
            as_json,
            lambda: _store(home).users(),
            lambda users: out.print(
                "\n".join(f"{u.org}\t{u.username}\t{u.role}{chr(9) + 'disabled' if u.disabled else ''}" for u in users)
            ),
            lambda users: {"ok": True, "users": [_user_doc(u) for u in users]},
        )

    def _admin(
        action: str, work: Callable[[AccountStore], object], username: str, home: Path | None, as_json: bool
    ) -> None:
        run(
            as_json,
            lambda: work(_store(home)),
            lambda _r: out.print(t("account.done", state.lang, username=username, action=action)),
            lambda r: (
                {"ok": True, "action": action, "username": username}
                | ({"sessions_ended": r} if isinstance(r, int) else {})
            ),
        )

    @account_app.command("disable", help=_h("account.disable.help"))
    def account_disable(
        username: Annotated[str, typer.Argument()], home: HomeOpt = None, as_json: JsonOpt = False
    ) -> None:
        _admin("disable", lambda s: s.set_disabled(username, True), username, home, as_json)

    @account_app.command("enable", help=_h("account.enable.help"))
    def account_enable(
        username: Annotated[str, typer.Argument()], home: HomeOpt = None, as_json: JsonOpt = False
    ) -> None:
        _admin("enable", lambda s: s.set_disabled(username, False), username, home, as_json)

    @account_app.command("reset-password", help=_h("account.reset_password.help"))
    def account_reset_password(
        username: Annotated[str, typer.Argument()],
        password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True)],
        home: HomeOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        _admin("reset-password", lambda s: s.reset_password(username, password), username, home, as_json)

    @account_app.command("revoke-sessions", help=_h("account.revoke_sessions.help"))
    def account_revoke_sessions(
        username: Annotated[str, typer.Argument()], home: HomeOpt = None, as_json: JsonOpt = False
    ) -> None:
        _admin("revoke-sessions", lambda s: s.revoke_sessions(username), username, home, as_json)

    @account_app.command("remove", help=_h("account.remove.help"))
    def account_remove(
        username: Annotated[str, typer.Argument()], home: HomeOpt = None, as_json: JsonOpt = False
    ) -> None:
        _admin("remove", lambda s: s.remove_user(username), username, home, as_json)
