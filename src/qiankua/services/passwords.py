"""Password and user-name policy for multi-user accounts.

Passwords (checked when an account is added or its password is reset, never at login):

* at least :data:`MIN_LENGTH` characters after Unicode NFKC normalisation — a Chinese character
  counts as two, since one carries far more guessing entropy than a Latin letter — **or** a
  passphrase of at least :data:`PASSPHRASE_WORDS` distinct words separated by spaces;
* not blank, not fewer than :data:`MIN_DISTINCT` different characters (``111111111111``);
* not one of the most common passwords (``data/common-passwords.txt``: the SecLists top-1000 and
  Chinese top-1000 lists, MIT licence), compared case-folded with spaces removed and with a
  trailing run of digits or punctuation removed (``Password2026!`` is ``password``);
* not the user name itself.

User names are compared after NFKC and case folding (:func:`username_key`): ``Alice``, ``alice``
and full-width ``ａｌｉｃｅ`` are one user; a name starts and ends with a letter or digit, so
``alice.`` is refused rather than becoming a look-alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

from qiankua.exceptions import InvalidInputError

__all__ = ["MIN_LENGTH", "check_password", "check_username", "is_common", "username_key"]

MIN_LENGTH = 12
PASSPHRASE_WORDS = 4
MIN_DISTINCT = 5
_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,62}[A-Za-z0-9])?")
_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords (case-folded)."""
    text = (files("qiankua.services") / "data" / "common-passwords.txt").read_text(encoding="utf-8")
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
