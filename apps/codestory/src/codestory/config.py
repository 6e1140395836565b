"""Settings: `settings.database_url`, resolved by strata (CODESTORY_DATABASE_URL, DATABASE_URL)."""

from typing import ClassVar

from strata import App, AppSettings

from codestory.app import APP


class Settings(AppSettings):
    strata_app: ClassVar[App] = APP


settings = Settings()
