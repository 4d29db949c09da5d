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
safe across threads with one connection per call; created with mode 0600). A user is a ``member`` or
an ``admin`` of their organisation; an account can be disabled, its password reset, its sessions
revoked or the account removed (``qiankua account …``, or the admin page for an organisation's
admins). User names are unique after NFKC + case folding; passwords follow
:mod:`qiankua.services.passwords`. Logins go through :meth:`Accounts.login`: throttled and hashed off
the event loop (:mod:`qiankua.services.throttle`). Session ids and API tokens are random
(``secrets.token_urlsafe``); only their SHA-256 is stored, so a leaked accounts file does not
leak usable credentials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from qiankua.exceptions import InvalidInputError, QiankuaError, UnknownReferenceError
from qiankua.services.passwords import check_password, check_username, password_hasher, username_key
from qiankua.services.throttle import HashGate, LoginThrottle, ServerBusy
from qiankua.settings import current

__all__ = [
    "LOCAL_IDENTITY",
    "AccountStore",
    "AuthError",
    "Identity",
    "UserInfo",
    "Workspace",
    "org_db_path",
    "qiankua_home",
]

SESSION_DAYS = 7
_ORG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
log = logging.getLogger("qiankua.auth")


class AuthError(QiankuaError, PermissionError):
    """Missing or wrong credentials (HTTP 401)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """Who is calling: a user in an organisation."""

    username: str
    org: str
    role: str = "member"

    @property
    def is_admin(self) -> bool:
        """An administrator of their organisation (manages its accounts on the admin page)."""
        return self.role == "admin"


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


@contextmanager
def db_lock(db: Path | None) -> Iterator[None]:
    """Kept for its callers; no longer needed (issue 21 item 9). Every :class:`~qiankua.store.Store` now
    takes the file's own locks (:mod:`qiankua.store.locking`: readers share it, a writer holds it alone,
    across threads and processes), so serialising here only made reads wait for whole engine runs."""
    del db
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

# columns added after the first release (issue 21): the comparison key, the role, the disabled flag
_MIGRATIONS = (
    ("username_key", "ALTER TABLE users ADD COLUMN username_key TEXT"),
    ("role", "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member'"),
    ("disabled", "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0"),
)

ROLES = ("member", "admin")
FILE_MODE = 0o600

# (username or None, session hash or None): sessions that just ended, for the web app to close tabs
SessionListener = Callable[[str | None, str | None], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenInfo:
    token_id: str
    name: str
    created_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UserInfo:
    """One account as an administrator sees it."""

    username: str
    org: str
    role: str
    disabled: bool
    created_at: str


def session_key(session: str) -> str:
    """What a session is known by on the server (its SHA-256), e.g. to find its open web tabs."""
    return _hash_token(session)


def _private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), or tighten an existing file to that."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


class AccountStore:
    """Users, sessions and API tokens in one sqlite file (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(self.path)
        self._hasher = password_hasher()  # argon2id, OWASP parameters (services.passwords)
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))
        self.listeners: list[SessionListener] = []
        with self._connect() as con:
            con.executescript(_SCHEMA)
            columns = {row[1] for row in con.execute("PRAGMA table_info(users)")}
            for column, statement in _MIGRATIONS:
                if column not in columns:
                    con.execute(statement)
            for (name,) in con.execute("SELECT username FROM users WHERE username_key IS NULL").fetchall():
                con.execute("UPDATE users SET username_key = ? WHERE username = ?", (username_key(name), name))
            with suppress(sqlite3.IntegrityError):  # older files may hold names equal after folding
                con.execute("CREATE UNIQUE INDEX IF NOT EXISTS users_key ON users (username_key)")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as con, con:
            yield con

    def _notify(self, username: str | None, session_hash: str | None) -> None:
        for listener in list(self.listeners):
            try:
                listener(username, session_hash)
            except Exception:  # a listener's failure must not undo a logout
                log.exception("session listener failed")

    # ---- users -----------------------------------------------------------------------

    def add_user(self, username: str, password: str, org: str, *, role: str = "member") -> Identity:
        username = check_username(username)
        if not _ORG.fullmatch(org):
            raise InvalidInputError(f"Expected `org` of lowercase letters, digits, - _, got {org!r}.")
        if role not in ROLES:
            raise InvalidInputError(f"Expected `role` one of {', '.join(ROLES)}, got {role!r}.")
        check_password(password, username=username)
        digest = self._hasher.hash(password)
        key = username_key(username)
        with self._connect() as con:
            if con.execute("SELECT 1 FROM users WHERE username_key = ?", (key,)).fetchone():
                raise InvalidInputError(f"User {username!r} already exists (user names ignore case and width).")
            try:
                con.execute(
                    "INSERT INTO users (username, org, password_hash, created_at, username_key, role) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (username, org, digest, _now().isoformat(), key, role),
                )
            except sqlite3.IntegrityError:
                raise InvalidInputError(f"User {username!r} already exists.") from None
        log.info("account added: %r in org %r (%s)", username, org, role)
        return Identity(username=username, org=org, role=role)

    def users(self, org: str | None = None) -> list[UserInfo]:
        """All accounts (or those of ``org``), by organisation and name."""
        query = "SELECT username, org, role, disabled, created_at FROM users"
        params: tuple[str, ...] = ()
        if org is not None:
            query, params = query + " WHERE org = ?", (org,)
        with self._connect() as con:
            rows = con.execute(query + " ORDER BY org, username", params).fetchall()
        return [UserInfo(username=u, org=o, role=r, disabled=bool(d), created_at=c) for u, o, r, d, c in rows]

    def user(self, username: str) -> UserInfo:
        """One account, found by its user name compared after NFKC + case folding."""
        with self._connect() as con:
            row = con.execute(
                "SELECT username, org, role, disabled, created_at FROM users WHERE username_key = ? "
                "ORDER BY username = ? DESC LIMIT 1",
                (username_key(username), username),
            ).fetchone()
        if row is None:
            raise UnknownReferenceError(f"Unknown `username` {username!r}.")
        return UserInfo(username=row[0], org=row[1], role=row[2], disabled=bool(row[3]), created_at=row[4])

    def verify_password(self, username: str, password: str) -> Identity:
        """The identity of ``username`` if ``password`` is right and the account enabled, else :class:`AuthError`.

        Blocking (argon2: ~64 MiB, tens of ms): the server calls it through :class:`HashGate`."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._connect() as con:
            row = con.execute(
                "SELECT username, org, password_hash, role, disabled FROM users WHERE username_key = ? "
                "ORDER BY username = ? DESC LIMIT 1",
                (username_key(username), username),
            ).fetchone()
        if row is None:
            # spend the same time as a real check so user names cannot be probed by timing
            with suppress(VerificationError, InvalidHashError):
                self._hasher.verify(self._dummy_hash, password)
            raise AuthError("Wrong user name or password.")
        try:
            self._hasher.verify(row[2], password)
        except (VerificationError, InvalidHashError):
            raise AuthError("Wrong user name or password.") from None
        if row[4]:
            raise AuthError("This account is disabled; ask an administrator.")
        if self._hasher.check_needs_rehash(row[2]):  # made with older parameters: store it with today's
            digest = self._hasher.hash(password)
            with self._connect() as con:
                sql = "UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?"  # not if reset meanwhile
                con.execute(sql, (digest, row[0], row[2]))
            log.info("password rehashed with current parameters: %r", row[0])
        return Identity(username=row[0], org=row[1], role=row[3])

    def set_disabled(self, username: str, disabled: bool) -> UserInfo:
        """Disable (ending its sessions; its API tokens stop working) or enable an account."""
        info = self.user(username)
        with self._connect() as con:
            con.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), info.username))
        log.warning("account %s: %r", "disabled" if disabled else "enabled", info.username)
        if disabled:
            self.revoke_sessions(info.username)
        return self.user(info.username)

    def reset_password(self, username: str, password: str) -> UserInfo:
        """Set a new password (policy-checked) and end the account's sessions."""
        info = self.user(username)
        check_password(password, username=info.username)
        digest = self._hasher.hash(password)
        with self._connect() as con:
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?", (digest, info.username))
        log.warning("password reset: %r", info.username)
        self.revoke_sessions(info.username)
        return info

    def set_role(self, username: str, role: str) -> UserInfo:
        if role not in ROLES:
            raise InvalidInputError(f"Expected `role` one of {', '.join(ROLES)}, got {role!r}.")
        info = self.user(username)
        with self._connect() as con:
            con.execute("UPDATE users SET role = ? WHERE username = ?", (role, info.username))
        log.warning("role of %r set to %s", info.username, role)
        return self.user(info.username)

    def revoke_sessions(self, username: str) -> int:
        """End every session of an account (its open web tabs close); returns how many."""
        info = self.user(username)
        with self._connect() as con:
            cur = con.execute("DELETE FROM sessions WHERE username = ?", (info.username,))
        log.warning("sessions revoked: %r (%d)", info.username, cur.rowcount)
        self._notify(info.username, None)
        return int(cur.rowcount)

    def remove_user(self, username: str) -> UserInfo:
        """Delete an account with its sessions and API tokens (its organisation's data stay)."""
        info = self.user(username)
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE username = ?", (info.username,))
            con.execute("DELETE FROM api_tokens WHERE username = ?", (info.username,))
            con.execute("DELETE FROM users WHERE username = ?", (info.username,))
        log.warning("account removed: %r", info.username)
        self._notify(info.username, None)
        return info

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
        return self.session_hash_identity(_hash_token(session))

    def session_hash_identity(self, session_hash: str) -> Identity | None:
        """The identity of a live session known by its hash (:func:`session_key`), else ``None``."""
        with self._connect() as con:
            row = con.execute(
                "SELECT u.username, u.org, u.role, s.expires_at FROM sessions s JOIN users u USING (username) "
                "WHERE s.session_hash = ? AND u.disabled = 0",
                (session_hash,),
            ).fetchone()
        if row is None or dt.datetime.fromisoformat(row[3]) < _now():
            return None
        return Identity(username=row[0], org=row[1], role=row[2])

    def end_session(self, session: str | None) -> None:
        if session:
            session_hash = _hash_token(session)
            with self._connect() as con:
                con.execute("DELETE FROM sessions WHERE session_hash = ?", (session_hash,))
            self._notify(None, session_hash)

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
                "SELECT u.username, u.org, u.role FROM api_tokens t JOIN users u USING (username) "
                "WHERE t.token_hash = ? AND u.disabled = 0",
                (_hash_token(token),),
            ).fetchone()
        return Identity(username=row[0], org=row[1], role=row[2]) if row else None


class Accounts:
    """The mode switch the API and pages use: who is this request, and where are its data."""

    def __init__(self, *, multi_user: bool, home: Path | None = None, db: Path | None = None) -> None:
        self.multi_user = multi_user
        self.home = Path(home) if home else qiankua_home()
        self.local_db = db
        self.store = AccountStore(self.home / "accounts.sqlite3") if multi_user else None
        self.throttle = LoginThrottle()
        self.gate = HashGate()

    async def login(self, username: str, password: str, *, address: str) -> Identity:
        """Check a password as the server does: throttled per account and address (:class:`LoginThrottled`),
        hashed off the event loop with bounded concurrency (:class:`ServerBusy`), logged."""
        if self.store is None:
            raise InvalidInputError("Accounts are off: the server runs in local single-user mode.")
        key = username_key(username)[:64]
        self.throttle.begin(key, address)
        try:
            identity = await self.gate.run(self.store.verify_password, username, password)
        except AuthError:
            self.throttle.failed(key, address)
            raise
        except ServerBusy:
            self.throttle.undo(key, address)
            raise
        self.throttle.succeeded(key, address)
        log.info("login: %r (org %r) from %s", identity.username, identity.org, address)
        return identity

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
