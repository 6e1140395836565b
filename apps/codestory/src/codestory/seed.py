"""What `strata seed` adds for Code Story: proportions, and a demo user with a known API key.

After `strata seed --app codestory`, a client can call the API at once with
`Authorization: Bearer cs_demo_development_key_do_not_deploy_00000000` as
demo@codestory.example. The key is public, so it exists only in seeded
development databases.
"""

from sqlalchemy import text
from strata.seed import SeedContext

from codestory.api_keys import stored_form

DEMO_EMAIL = "demo@codestory.example"
DEMO_API_KEY = "cs_demo_development_key_do_not_deploy_00000000"

ROWS = {"users": 20, "api_keys": 30, "repositories": 40, "story_intents": 60, "stories": 50, "story_chapters": 300}


def seed(ctx: SeedContext) -> None:
    """The demo user, an active key for it and one repository (skipped when a previous seed added them)."""
    if ctx.connection.execute(text("SELECT 1 FROM users WHERE email = :e"), {"e": DEMO_EMAIL}).first():
        return
    user = ctx.add("users", email=DEMO_EMAIL, subscription_tier="pro")
    prefix, digest = stored_form(DEMO_API_KEY)
    ctx.add("api_keys", user_id=user["id"], key_prefix=prefix, key_hash=digest, is_active=True)
    ctx.add(
        "repositories", user_id=user["id"], github_url="https://github.com/strata/strata", owner="strata", name="strata"
    )
