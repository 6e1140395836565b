"""Settings: `database_url` (resolved by strata), `environment`, and the pool's size."""

from typing import ClassVar

from strata import App, AppSettings

from narraforge.app import APP


class Settings(AppSettings):
    strata_app: ClassVar[App] = APP
    database_pool_size: int = 5
    database_max_overflow: int = 10


settings = Settings()
