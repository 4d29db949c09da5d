"""The admin page (``/admin``): an organisation's administrators manage its accounts.

Add an account, disable/enable it, reset its password, end its sessions (its open pages close at
once), remove it — the same as ``qiankua account …``, limited to the administrator's own
organisation. Not an administrator (or local single-user mode): the page says so and shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from qiankua.exceptions import QiankuaError
from qiankua.services.accounts import AccountStore, UserInfo
from qiankua.web.context import accounts
from qiankua.web.layout import Page, error_line


def _store() -> AccountStore | None:
    return accounts().store


def admin_page(page: Page) -> None:
    store = _store()
    if store is None or not page.identity.is_admin:
        ui.label(page.t("web.admin.forbidden")).classes("text-negative").props('id="admin-forbidden"')
        return
    org = page.identity.org
    ui.label(page.t("web.admin.title", org=org)).classes("text-h5")
    status = ui.column().classes("w-full")
    listing = ui.column().classes("w-full")

    async def act(username: str, work: Callable[[], Any]) -> None:
        status.clear()
        try:
            target = await run.io_bound(store.user, username)
            if target is None or target.org != org:  # never act across organisations, whatever the browser sends
                raise QiankuaError(f"Unknown `username` {username!r}.")
            await run.io_bound(work)
        except (QiankuaError, ValueError) as exc:
            with status:
                error_line(page, exc, "admin-error")
            return
        with status:
            ui.label(page.t("web.admin.done", username=username)).classes("text-positive").props('id="admin-done"')
        await draw()

    def not_self(username: str) -> None:
        if username == page.identity.username:
            raise QiankuaError(page.t("web.admin.self"))

    def disable(user: UserInfo) -> Any:
        not_self(user.username)
        return store.set_disabled(user.username, not user.disabled)

    def remove(user: UserInfo) -> Any:
        not_self(user.username)
        return store.remove_user(user.username)

    def reset_dialog(user: UserInfo) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(f"{page.t('web.admin.reset')}: {user.username}")
            field = ui.input(page.t("web.admin.password"), password=True).props('id="admin-new-password"')

            async def go() -> None:
                dialog.close()
                await act(user.username, lambda: store.reset_password(user.username, field.value or ""))

            ui.button(page.t("web.admin.reset"), on_click=go).props('id="admin-reset-go"')
        dialog.open()

    def remove_dialog(user: UserInfo) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(page.t("web.admin.confirm_remove", username=user.username))

            async def go() -> None:
                dialog.close()
                await act(user.username, lambda: remove(user))

            ui.button(page.t("web.admin.remove"), color="negative", on_click=go).props('id="admin-remove-go"')
        dialog.open()

    async def draw() -> None:
        users = await run.io_bound(store.users, org) or []
        listing.clear()
        with listing:
            for user in users:
                with ui.row().classes("items-center q-gutter-sm").props(f'data-user="{user.username}"'):
                    ui.label(user.username).classes("text-weight-bold").style("min-width: 10em")
                    ui.label(page.t(f"web.admin.role.{user.role}"))
                    state = page.t("web.admin.disabled" if user.disabled else "web.admin.enabled")
                    ui.label(state).classes("text-negative" if user.disabled else "text-positive")
                    ui.label(user.created_at[:10]).classes("text-caption")
                    toggle = "web.admin.enable" if user.disabled else "web.admin.disable"
                    ui.button(page.t(toggle), on_click=lambda u=user: act(u.username, lambda: disable(u))).props(
                        "flat dense data-action=toggle"
                    )
                    ui.button(page.t("web.admin.reset"), on_click=lambda u=user: reset_dialog(u)).props(
                        "flat dense data-action=reset"
                    )
                    ui.button(
                        page.t("web.admin.revoke"),
                        on_click=lambda u=user: act(u.username, lambda: store.revoke_sessions(u.username)),
                    ).props("flat dense data-action=revoke")
                    ui.button(page.t("web.admin.remove"), on_click=lambda u=user: remove_dialog(u)).props(
                        "flat dense color=negative data-action=remove"
                    )

    with ui.card().classes("q-mt-md"):
        ui.label(page.t("web.admin.add")).classes("text-subtitle1")
        with ui.row().classes("items-end"):
            new_name = ui.input(page.t("web.admin.username")).props('id="admin-new-username"')
            new_password = ui.input(page.t("web.admin.password"), password=True).props('id="admin-add-password"')
            role = ui.select(
                {"member": page.t("web.admin.role.member"), "admin": page.t("web.admin.role.admin")}, value="member"
            )

            async def add() -> None:
                status.clear()
                try:
                    await run.io_bound(
                        store.add_user, new_name.value or "", new_password.value or "", org, role=role.value
                    )
                except (QiankuaError, ValueError) as exc:
                    with status:
                        error_line(page, exc, "admin-error")
                    return
                new_password.value = ""
                with status:
                    ui.label(page.t("web.admin.done", username=new_name.value)).classes("text-positive").props(
                        'id="admin-done"'
                    )
                await draw()

            ui.button(page.t("web.admin.add"), on_click=add).props('id="admin-add"')
    ui.timer(0.01, draw, once=True)
