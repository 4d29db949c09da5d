"""Who is calling: a session cookie (pages, browsers) or a Bearer API token (scripts).

In local single-user mode every request is the local user; in multi-user mode a
request without valid credentials gets 401 on every data route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from qiankua.services.accounts import Accounts, AuthError, Identity, Workspace

SESSION_COOKIE = "qk_session"

_bearer = HTTPBearer(auto_error=False, description="API token from POST /api/v1/auth/tokens")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="session from POST /api/v1/auth/login")


def accounts_of(request: Request) -> Accounts:
    return request.app.state.accounts  # type: ignore[no-any-return]


def current_identity(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    session: Annotated[str | None, Depends(_cookie)] = None,
) -> Identity:
    accounts = accounts_of(request)
    identity = accounts.identify(session=session, bearer=bearer.credentials if bearer else None)
    if identity is None:
        raise AuthError("Log in first (session cookie) or send `Authorization: Bearer <token>`.")
    return identity


def current_workspace(request: Request, identity: Annotated[Identity, Depends(current_identity)]) -> Workspace:
    return accounts_of(request).workspace(identity)


IdentityDep = Annotated[Identity, Depends(current_identity)]
WorkspaceDep = Annotated[Workspace, Depends(current_workspace)]
