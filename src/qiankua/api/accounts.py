"""Account routes: log in/out, who am I, API tokens (multi-user mode; 409 in local mode), and the
administration of an organisation's accounts under ``/admin/accounts`` (administrators only, 403 otherwise).

Logins are throttled per account and per client address (429 + ``Retry-After``) and the password
is checked off the event loop with bounded concurrency (503 + ``Retry-After`` when saturated): see
:meth:`qiankua.services.accounts.Accounts.login`. Cross-origin POSTs are refused by
:mod:`qiankua.api.security` before they reach these routes (login CSRF included)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from fastapi import Path as FastApiPath
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from qiankua.api import schemas as s
from qiankua.api.auth import SESSION_COOKIE, IdentityDep, accounts_of
from qiankua.api.errors import ApiError, problem_responses
from qiankua.api.strict import StrictModel
from qiankua.exceptions import UnknownReferenceError
from qiankua.services.accounts import SESSION_DAYS, AccountStore, Identity, UserInfo
from qiankua.vocabulary import ACCOUNT_ACTIONS, ACCOUNT_ROLES

router = APIRouter(prefix="/auth", tags=["accounts"], responses=problem_responses(400, 401, 403, 404, 409, 422))


def client_address(request: Request) -> str:
    """The caller's address (uvicorn takes it from X-Forwarded-For only when the proxy is trusted)."""
    return request.client.host if request.client else "unknown"


def _store(request: Request) -> AccountStore:
    store = accounts_of(request).store
    if store is None:
        raise ApiError(409, "accounts are off: the server runs in local single-user mode (start it with --multi-user)")
    return store


@router.post(
    "/login",
    response_model=s.LoginOut,
    summary="Log in; sets the session cookie",
    responses=problem_responses(429, 503),
)
async def login(body: s.LoginIn, request: Request, response: Response) -> s.LoginOut:
    store = _store(request)
    identity = await accounts_of(request).login(body.username, body.password, address=client_address(request))
    session = await run_in_threadpool(store.create_session, identity)  # a sqlite write: off the event loop
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", max_age=SESSION_DAYS * 86400)
    return s.LoginOut(username=identity.username, org=identity.org, multi_user=True, session=session)


@router.post("/logout", response_model=s.Ok, summary="End the session")
def logout(request: Request, response: Response) -> s.Ok:
    store = accounts_of(request).store
    if store is not None:
        store.end_session(request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE)
    return s.Ok(ok=True)


@router.get("/me", response_model=s.Me, summary="Who am I")
def me(identity: IdentityDep, request: Request) -> s.Me:
    return s.Me(username=identity.username, org=identity.org, multi_user=accounts_of(request).multi_user)


@router.get("/tokens", response_model=s.TokenList, summary="My API tokens")
def tokens(identity: IdentityDep, request: Request) -> s.TokenList:
    store = _store(request)
    return s.TokenList(
        tokens=[s.TokenOut(token_id=t.token_id, name=t.name, created_at=t.created_at) for t in store.tokens(identity)]
    )


@router.post("/tokens", response_model=s.TokenCreated, status_code=201, summary="Create an API token")
def create_token(body: s.TokenIn, identity: IdentityDep, request: Request) -> s.TokenCreated:
    info, secret = _store(request).create_token(identity, body.name)
    return s.TokenCreated(token_id=info.token_id, name=info.name, created_at=info.created_at, token=secret)


@router.delete("/tokens/{token_id}", response_model=s.Ok, summary="Revoke one of my API tokens")
def revoke_token(token_id: str, identity: IdentityDep, request: Request) -> s.Ok:
    if not _store(request).revoke_token(identity, token_id):
        raise ApiError(404, f"no token {token_id!r} of yours", field="token_id", location="path")
    return s.Ok(ok=True)


# --------------------------------------------------------------------------- administration
#
# The same operations as ``qiankua account list|add|disable|enable|reset-password|revoke-sessions|remove``
# and the admin web page, for an organisation's administrators: each calls the same AccountStore method
# (which logs the change and, where it ends sessions, closes the user's open web clients). An administrator
# acts on the accounts of their own organisation only — another organisation's user is answered 404 exactly
# like an unknown one — and cannot disable or remove their own account (409), as on the admin page. Each
# change is written to the audit log (logger ``qiankua.audit``) naming the administrator, the action, the
# account and the client address. Cross-origin cookie requests are refused by qiankua.api.security (CSRF);
# Bearer tokens are exempt.

audit = logging.getLogger("qiankua.audit")
Username = Annotated[str, FastApiPath(min_length=1, max_length=64, description="the account's user name")]

admin_router = APIRouter(
    prefix="/admin/accounts",
    tags=["admin"],
    responses=problem_responses(401, 403, 404, 409, 422),
)


Role = Literal[ACCOUNT_ROLES]  # type: ignore[valid-type]
Action = Literal[ACCOUNT_ACTIONS]  # type: ignore[valid-type]


class AccountOut(BaseModel):
    """One account as an administrator sees it (the fields of ``qiankua account list --json``)."""

    username: str
    org: str
    role: Role
    disabled: bool
    created_at: str


class AccountList(BaseModel):
    ok: bool
    org: str
    users: list[AccountOut]


class AccountAction(BaseModel):
    """What ``qiankua account <action> --json`` prints: the action done, and how many sessions ended."""

    ok: bool
    action: Action
    username: str
    sessions_ended: int | None = None


class NewAccountIn(StrictModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256, description="checked by the password policy (400 if weak)")
    role: Role = "member"


class PasswordIn(StrictModel):
    password: str = Field(min_length=1, max_length=256, description="checked by the password policy (400 if weak)")


def _admin(request: Request, identity: Identity) -> AccountStore:
    store = _store(request)
    if not identity.is_admin:
        audit.warning(
            "refused: %r (org %r, not an administrator) tried an admin action from %s",
            identity.username,
            identity.org,
            client_address(request),
        )
        raise ApiError(403, "administrators only: your account is not an administrator of its organisation")
    return store


def _target(store: AccountStore, admin: Identity, username: str, *, not_self: bool = False) -> UserInfo:
    """The account ``username`` of the administrator's organisation (404 for any other, as for an unknown one)."""
    try:
        info = store.user(username)
    except UnknownReferenceError:
        info = None
    if info is None or info.org != admin.org:
        raise ApiError(404, f"Unknown `username` {username!r}.", field="username", location="path")
    if not_self and info.username == admin.username:
        raise ApiError(409, "you cannot do this to your own account; ask another administrator")
    return info


def _done(request: Request, admin: Identity, action: str, username: str, sessions: int | None = None) -> AccountAction:
    audit.warning(
        "admin %r (org %r) from %s: %s %r%s",
        admin.username,
        admin.org,
        client_address(request),
        action,
        username,
        "" if sessions is None else f" ({sessions} sessions ended)",
    )
    return AccountAction(ok=True, action=action, username=username, sessions_ended=sessions)


@admin_router.get("", response_model=AccountList, summary="The accounts of my organisation (administrators)")
def list_accounts(identity: IdentityDep, request: Request) -> AccountList:
    store = _admin(request, identity)
    users = [AccountOut(**asdict(u)) for u in store.users(identity.org)]
    return AccountList(ok=True, org=identity.org, users=users)


@admin_router.post(
    "",
    response_model=AccountAction,
    status_code=201,
    summary="Add an account to my organisation (administrators)",
    responses=problem_responses(400),
)
def add_account(body: NewAccountIn, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    added = store.add_user(body.username, body.password, identity.org, role=body.role)
    return _done(request, identity, "add", added.username)


@admin_router.post("/{username}/disable", response_model=AccountAction, summary="Disable an account; its sessions end")
def disable_account(username: Username, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    info = _target(store, identity, username, not_self=True)
    store.set_disabled(info.username, True)
    return _done(request, identity, "disable", info.username)


@admin_router.post("/{username}/enable", response_model=AccountAction, summary="Enable a disabled account")
def enable_account(username: Username, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    info = _target(store, identity, username)
    store.set_disabled(info.username, False)
    return _done(request, identity, "enable", info.username)


@admin_router.post(
    "/{username}/reset-password",
    response_model=AccountAction,
    summary="Set a new password (policy-checked); the account's sessions end",
    responses=problem_responses(400),
)
def reset_password(username: Username, body: PasswordIn, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    info = _target(store, identity, username)
    store.reset_password(info.username, body.password)
    return _done(request, identity, "reset-password", info.username)


@admin_router.post(
    "/{username}/revoke-sessions",
    response_model=AccountAction,
    summary="End every session of an account (its open web pages close)",
)
def revoke_sessions(username: Username, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    info = _target(store, identity, username)
    ended = store.revoke_sessions(info.username)
    return _done(request, identity, "revoke-sessions", info.username, ended)


@admin_router.delete(
    "/{username}",
    response_model=AccountAction,
    summary="Remove an account with its sessions and API tokens (the organisation's data stay)",
)
def remove_account(username: Username, identity: IdentityDep, request: Request) -> AccountAction:
    store = _admin(request, identity)
    info = _target(store, identity, username, not_self=True)
    store.remove_user(info.username)
    return _done(request, identity, "remove", info.username)
