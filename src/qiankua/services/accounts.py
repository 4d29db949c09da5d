"""Accounts, sessions, API tokens and per-organisation workspaces for the web app and API.

Two modes:

* **local** (default): one implicit user ``local`` in organisation ``local``; no login. Imported
  data live in the same DuckDB file the CLI uses (``--db`` or ``$QIANKUA_HOME/qiankua.duckdb``).
* **multi-user** (``qiankua serve --multi-user``): users belong to one organisation, log in with a
  password (argon2id hash, argon2-cffi), get a session (cookie) or create API tokens (Bearer).
  Each organisation's imported data live in their own DuckDB file,
  ``$QIANKUA_HOME/orgs/<org>/qiankua.duckdb``: separation is physical, so no query written for
  one organisation can see another's rows, and the store API is unchanged.

Accounts themselves are kept in ``$QIANKUA_HOME/accounts.sqlite3`` (stdlib sqlite3: small, ACID,
safe across threads with one connection per call). Session ids and API tokens are random
(``secrets.token_urlsafe``); only their SHA-256 is stored, so a leaked accounts file does not
leak usable credentials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from qiankua.exceptions import InvalidInputError, QiankuaError
from qiankua.settings import current

__all__ = [
    "LOCAL_IDENTITY",
    "AccountStore",
    "AuthError",
    "Identity",
    "Workspace",
    "org_db_path",
    "qiankua_home",
]

SESSION_DAYS = 7
_ORG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class AuthError(QiankuaError, PermissionError):
    """Missing or wrong credentials (HTTP 401)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """Who is calling: a user in an organisation."""

    username: str
    org: str


LOCAL_IDENTITY = Identity(username="local", org="local")


def qiankua_home() -> Path:
    """``$QIANKUA_HOME`` if set, else the working directory (as the store does)."""
    return current().home_dir


def org_db_path(home: Path, org: str) -> Path:
    """The DuckDB file holding organisation ``org``'s imported data."""
    if not _ORG.fullmatch(org):
        raise InvalidInputError(f"Expected an organisation id like `danzhai-coop`, got {org!r}.")
    return home / "orgs" / org / "qiankua.duckdb"


@dataclass(frozen=True, slots=True, kw_only=True)
class Workspace:
    """Where an identity's data live: chosen here, never by a handler."""

    identity: Identity
    db: Path | None


_DB_LOCKS: dict[str, threading.Lock] = {}
_DB_LOCKS_GUARD = threading.Lock()


@contextmanager
def db_lock(db: Path | None) -> Iterator[None]:
    """Serialise writers and readers of one DuckDB file inside this process."""
    key = str(Path(db).resolve()) if db else "<default>"
    with _DB_LOCKS_GUARD:
        lock = _DB_LOCKS.setdefault(key, threading.Lock())
    with lock:
        yield


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, org TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash TEXT PRIMARY KEY, token_id TEXT UNIQUE NOT NULL, username TEXT NOT NULL,
    name TEXT NOT NULL, created_at TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenInfo:
    token_id: str
    name: str
    created_at: str


class AccountStore:
    """Users, sessions and API tokens in one sqlite file."""

    def __init__(self, path: Path) -> None:
        from argon2 import PasswordHasher

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._hasher = PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as con, con:
            yield con

    # ---- users -----------------------------------------------------------------------

    def add_user(self, username: str, password: str, org: str) -> Identity:
        if not _USER.fullmatch(username):
            raise InvalidInputError(f"Expected `username` of letters, digits, . _ @ -, got {username!r}.")
        if not _ORG.fullmatch(org):
            raise InvalidInputError(f"Expected `org` of lowercase letters, digits, - _, got {org!r}.")
        if len(password) < 8:
            raise InvalidInputError("Expected a `password` of at least 8 characters.")
        digest = self._hasher.hash(password)
        with self._connect() as con:
            try:
                con.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (username, org, digest, _now().isoformat()))
            except sqlite3.IntegrityError:
                raise InvalidInputError(f"User {username!r} already exists.") from None
        return Identity(username=username, org=org)

    def users(self) -> list[Identity]:
        with self._connect() as con:
            rows = con.execute("SELECT username, org FROM users ORDER BY org, username").fetchall()
        return [Identity(username=u, org=o) for u, o in rows]

    def verify_password(self, username: str, password: str) -> Identity:
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._connect() as con:
            row = con.execute("SELECT org, password_hash FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            # spend the same time as a real check so user names cannot be probed by timing
            with suppress(VerificationError, InvalidHashError):
                self._hasher.verify(self._dummy_hash, password)
            raise AuthError("Wrong user name or password.")
        try:
            self._hasher.verify(row[1], password)
        except (VerificationError, InvalidHashError):
            raise AuthError("Wrong user name or password.") from None
        return Identity(username=username, org=row[0])

    # ---- sessions ----------------------------------------------------------------------

    def create_session(self, identity: Identity) -> str:
        session = secrets.token_urlsafe(32)
        expires = _now() + dt.timedelta(days=SESSION_DAYS)
        with self._connect() as con:
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)", (_hash_token(session), identity.username, expires.isoformat())
            )
        return session

    def session_identity(self, session: str | None) -> Identity | None:
        if not session:
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT u.username, u.org, s.expires_at FROM sessions s JOIN users u USING (username) "
                "WHERE s.session_hash = ?",
                (_hash_token(session),),
            ).fetchone()
        if row is None or dt.datetime.fromisoformat(row[2]) < _now():
            return None
        return Identity(username=row[0], org=row[1])

    def end_session(self, session: str | None) -> None:
        if session:
            with self._connect() as con:
                con.execute("DELETE FROM sessions WHERE session_hash = ?", (_hash_token(session),))

    # ---- API tokens ----------------------------------------------------------------------

    def create_token(self, identity: Identity, name: str) -> tuple[TokenInfo, str]:
        """A new API token: returns its info and the secret (shown once, stored hashed)."""
        secret = "qk_" + secrets.token_urlsafe(32)
        info = TokenInfo(token_id=secrets.token_hex(8), name=name, created_at=_now().isoformat())
        with self._connect() as con:
            con.execute(
                "INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?)",
                (_hash_token(secret), info.token_id, identity.username, name, info.created_at),
            )
        return info, secret

    def tokens(self, identity: Identity) -> list[TokenInfo]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT token_id, name, created_at FROM api_tokens WHERE username = ? ORDER BY created_at",
                (identity.username,),
            ).fetchall()
        return [TokenInfo(token_id=a, name=b, created_at=c) for a, b, c in rows]

    def revoke_token(self, identity: Identity, token_id: str) -> bool:
        with self._connect() as con:
            cur = con.execute(
                "DELETE FROM api_tokens WHERE token_id = ? AND username = ?", (token_id, identity.username)
            )
        return cur.rowcount > 0

    def token_identity(self, token: str | None) -> Identity | None:
        if not token:
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT u.username, u.org FROM api_tokens t JOIN users u USING (username) WHERE t.token_hash = ?",
                (_hash_token(token),),
            ).fetchone()
        return Identity(username=row[0], org=row[1]) if row else None


class Accounts:
    """The mode switch the API and pages use: who is this request, and where are its data."""

    def __init__(self, *, multi_user: bool, home: Path | None = None, db: Path | None = None) -> None:
        self.multi_user = multi_user
        self.home = Path(home) if home else qiankua_home()
        self.local_db = db
        self.store = AccountStore(self.home / "accounts.sqlite3") if multi_user else None

    def workspace(self, identity: Identity) -> Workspace:
        if not self.multi_user:
            return Workspace(identity=identity, db=self.local_db)
        return Workspace(identity=identity, db=org_db_path(self.home, identity.org))

    def identify(self, *, session: str | None = None, bearer: str | None = None) -> Identity | None:
        """The identity behind a session cookie or a Bearer token; ``None`` when unknown."""
        if not self.multi_user:
            return LOCAL_IDENTITY
        assert self.store is not None
        return self.store.token_identity(bearer) or self.store.session_identity(session)
