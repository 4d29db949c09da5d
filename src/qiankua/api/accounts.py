"""Account routes: log in/out, who am I, API tokens (multi-user mode; 409 in local mode).

Logins are throttled per account and per client address (429 + ``Retry-After``) and the password
is checked off the event loop with bounded concurrency (503 + ``Retry-After`` when saturated): see
:meth:`qiankua.services.accounts.Accounts.login`. Cross-origin POSTs are refused by
:mod:`qiankua.api.security` before they reach these routes (login CSRF included)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from qiankua.api import schemas as s
from qiankua.api.auth import SESSION_COOKIE, IdentityDep, accounts_of
from qiankua.api.errors import ApiError, problem_responses
from qiankua.services.accounts import SESSION_DAYS, AccountStore

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
    session = store.create_session(identity)
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
