"""Settings: `settings.database_url` and `settings.is_dev`, as the seed's config.py has them."""

from typing import ClassVar

from strata import App, AppSettings

from course_supporter.app import APP


class Settings(AppSettings):
    strata_app: ClassVar[App] = APP


settings = Settings()
