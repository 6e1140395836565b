import pytest
from strata import App
from study_assistant.app import APP


@pytest.fixture(scope="session")
def strata_app() -> App:
    return APP
