"""The threads' shared app of the concurrency tests (tests/services/test_concurrency.py)."""
from tests.services.test_concurrency import shared_app  # noqa: F401 — a fixture
