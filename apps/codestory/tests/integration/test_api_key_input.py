"""verify_api_key answers None for anything that cannot be a key, and the session stays usable.

In the review a NUL byte reached the database ("invalid byte sequence"), aborting the
transaction so that the right key then failed too; a lone surrogate raised UnicodeEncodeError.
"""

import base64
import secrets
from collections.abc import Callable

import pytest
from codestory.api_keys import KEY_SCHEME, create_api_key, verify_api_key
from codestory.models import User
from sqlalchemy.ext.asyncio import AsyncSession

# Each case turns a real key into something that cannot be one.
HOSTILE: dict[str, Callable[[str], str]] = {
    "NUL byte": lambda key: KEY_SCHEME + "\x00" * (len(key) - len(KEY_SCHEME)),
    "NUL after the real prefix": lambda key: key[:-1] + "\x00",
    "lone surrogate": lambda key: key[:-1] + "\udc80",
    "too short": lambda key: key[:-1],
    "too long": lambda key: key + "A",
    "wrong scheme": lambda key: "xx_" + key[len(KEY_SCHEME) :],
    "empty": lambda _key: "",
    "non-ASCII of the right length": lambda key: key[:-1] + "é",
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_input_that_cannot_be_a_key_is_none_and_the_session_survives(
    strata_async_session: AsyncSession, case: str
) -> None:
    user = User(email=f"{secrets.token_hex(4)}@example.org")
    strata_async_session.add(user)
    stored, key = await create_api_key(strata_async_session, user)
    assert await verify_api_key(strata_async_session, HOSTILE[case](key)) is None
    assert await verify_api_key(strata_async_session, key) is stored  # the transaction was not aborted


async def test_a_key_carries_256_bits_of_randomness(strata_async_session: AsyncSession) -> None:
    user = User(email=f"{secrets.token_hex(4)}@example.org")
    strata_async_session.add(user)
    _stored, key = await create_api_key(strata_async_session, user)
    encoded = key.removeprefix(KEY_SCHEME)
    assert len(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) >= 32
