"""API keys: shown once, stored as SHA-256, checked in constant time.

A key looks like `cs_<prefix><secret>`. The first 12 characters are stored in
clear as `key_prefix`, so a presented key is found by an indexed lookup
without scanning hashes; the full key is compared only through its hash,
with `hmac.compare_digest`.
"""

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from codestory.models import APIKey, User

KEY_SCHEME = "cs_"
PREFIX_LENGTH = 12
SECRET_BYTES = 32
# What create_api_key can produce: the scheme and token_urlsafe(32), 43 characters of base64url.
_KEY_SHAPE = re.compile(rf"{KEY_SCHEME}[A-Za-z0-9_-]{{{len(secrets.token_urlsafe(SECRET_BYTES))}}}")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def stored_form(plaintext: str) -> tuple[str, str]:
    """What is stored of a key: its lookup prefix and its SHA-256."""
    return plaintext[:PREFIX_LENGTH], _digest(plaintext)


async def create_api_key(session: AsyncSession, user: User, *, rate_limit: int = 60) -> tuple[APIKey, str]:
    """Store a new key for `user`; returns the row and the plaintext, which is never stored."""
    plaintext = KEY_SCHEME + secrets.token_urlsafe(SECRET_BYTES)
    prefix, digest = stored_form(plaintext)
    key = APIKey(user=user, key_prefix=prefix, key_hash=digest, rate_limit=rate_limit)
    session.add(key)
    await session.flush()
    return key, plaintext


async def verify_api_key(session: AsyncSession, presented: str) -> APIKey | None:
    """The active key matching `presented`, or None.

    Anything that cannot be a key (a NUL byte, a lone surrogate, the wrong length or
    scheme) is None before any query: sent to the database it would fail the statement
    and abort the caller's transaction.
    """
    if not isinstance(presented, str) or _KEY_SHAPE.fullmatch(presented) is None:
        return None
    candidates = await session.scalars(
        select(APIKey).where(APIKey.key_prefix == presented[:PREFIX_LENGTH], APIKey.is_active)
    )
    presented_hash = _digest(presented)
    match = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.key_hash, presented_hash):
            match = candidate
    return match
