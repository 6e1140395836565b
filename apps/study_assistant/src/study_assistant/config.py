"""Settings: `settings.database_url`, resolved by strata (STUDY_ASSISTANT_DATABASE_URL, DATABASE_URL)."""

from typing import ClassVar

from strata import App, AppSettings

from study_assistant.app import APP


class Settings(AppSettings):
    strata_app: ClassVar[App] = APP


settings = Settings()
