import pytest
from narraforge.app import APP
from strata import App


@pytest.fixture(scope="session")
def strata_app() -> App:
    return APP
