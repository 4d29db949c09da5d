"""Password and user-name policy for multi-user accounts.

Passwords (checked when an account is added or its password is reset, never at login):

* at least :data:`MIN_LENGTH` characters after Unicode NFKC normalisation — a Chinese character
  counts as two, since one carries far more guessing entropy than a Latin letter — **or** a
  passphrase of at least :data:`PASSPHRASE_WORDS` distinct words separated by spaces;
* not blank, not fewer than :data:`MIN_DISTINCT` different characters (``111111111111``);
* not one of the most common passwords (``passwords_common.txt`` beside this module: the SecLists
  top-1000 and Chinese top-1000 lists, MIT licence, provenance in its header), compared case-folded
  with spaces removed and with a trailing run of digits or punctuation removed (``Password2026!`` is
  ``password``);
* not the user name itself.

User names are compared after NFKC and case folding (:func:`username_key`): ``Alice``, ``alice``
and full-width ``ａｌｉｃｅ`` are one user; a name starts and ends with a letter or digit, so
``alice.`` is refused rather than becoming a look-alike.

Hashing (:func:`password_hasher`): argon2id at OWASP's minimum configuration — "Use Argon2id with a
minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism"
(Password Storage Cheat Sheet, https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html,
read December 2026). argon2-cffi's default (64 MiB, t=3, p=4) cost ~0.5 s of CPU on four threads per
check on this project's 2-core test machine, so 32 parallel guesses took the server's memory and CPU;
this measured ~85 ms on one thread and 19 MiB. A hash stores its own parameters, so hashes made with the old
ones still verify, and are rehashed with these on the next successful login (``check_needs_rehash``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any

from qiankua.exceptions import InvalidInputError

__all__ = [
    "HASH_MEMORY_KIB",
    "HASH_PARALLELISM",
    "HASH_TIME_COST",
    "MIN_LENGTH",
    "check_password",
    "check_username",
    "is_common",
    "password_hasher",
    "username_key",
]

MIN_LENGTH = 12
PASSPHRASE_WORDS = 4
MIN_DISTINCT = 5
_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,62}[A-Za-z0-9])?")
_TRAILING = re.compile(r"[\d\W_]+$")

#: argon2id parameters (OWASP Password Storage Cheat Sheet minimum: 19 MiB, 2 iterations, parallelism 1)
HASH_MEMORY_KIB = 19 * 1024
HASH_TIME_COST = 2
HASH_PARALLELISM = 1


@cache
def password_hasher() -> Any:
    """The argon2id hasher for new and rehashed passwords (see the module docstring); verifies any argon2 hash."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=HASH_TIME_COST, memory_cost=HASH_MEMORY_KIB, parallelism=HASH_PARALLELISM)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords (case-folded)."""
    text = (files("qiankua.services") / "passwords_common.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("# "))


def _folded(password: str) -> str:
    return "".join(unicodedata.normalize("NFKC", password).split()).casefold()


def is_common(password: str) -> bool:
    """Whether ``password`` is, or is a common password followed by digits/punctuation."""
    folded = _folded(password)
    common = common_passwords()
    return folded in common or _TRAILING.sub("", folded) in common


def _effective_length(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" and ch.isalpha() else 1 for ch in text)


def check_password(password: str, *, username: str | None = None) -> None:
    """Raise :class:`InvalidInputError` (naming `password` and the rule) if ``password`` is too weak."""
    normalized = unicodedata.normalize("NFKC", password)
    if not normalized.strip():
        raise InvalidInputError("Expected a `password` that is not blank.")
    words = {w.casefold() for w in normalized.split()}
    if _effective_length(normalized) < MIN_LENGTH and len(words) < PASSPHRASE_WORDS:
        raise InvalidInputError(
            f"Expected a `password` of at least {MIN_LENGTH} characters "
            f"(or a passphrase of {PASSPHRASE_WORDS} or more words separated by spaces)."
        )
    folded = _folded(password)
    if len(set(folded)) < MIN_DISTINCT:
        raise InvalidInputError(f"Expected a `password` with at least {MIN_DISTINCT} different characters.")
    if is_common(password):
        raise InvalidInputError("Expected a `password` that is not one of the most common passwords.")
    if username and username_key(username) == folded:
        raise InvalidInputError("Expected a `password` that is not the user name.")


def username_key(username: str) -> str:
    """The form two user names are compared in: Unicode NFKC, then case folding."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_username(username: str) -> str:
    """The user name as stored (NFKC-normalised), or :class:`InvalidInputError` naming `username`."""
    normalized = unicodedata.normalize("NFKC", username)
    if not _USER.fullmatch(normalized):
        raise InvalidInputError(
            "Expected `username` of 1-64 letters, digits, . _ @ - that starts and ends with a letter or digit, "
            f"got {username!r}."
        )
    return normalized
