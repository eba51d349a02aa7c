"""The collector pause of the bulk checks and imports (registry.excel.gc_pause)."""
import gc
from types import SimpleNamespace

import pytest

from registry.excel.gc_pause import paused_gc
from registry.services.land.area_import import import_land_area
from registry.services.land.importer import import_land


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collector_on):
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_exception(collector_on):
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


class _Probe:
    """A session that notes whether the collector is on at its first use, then stops the import."""

    def __init__(self):
        self.seen = []

    def __getattr__(self, name):
        self.seen.append(gc.isenabled())
        raise RuntimeError("stop here")


def test_the_land_imports_pause_it_and_give_it_back(collector_on):
    probe = _Probe()
    with pytest.raises(RuntimeError):
        import_land(probe, b"", SimpleNamespace(id=1, area_code="370305001001"), actor=None, dry_run=True)
    with pytest.raises(RuntimeError):
        import_land_area(probe, b"", None, actor=None)
    assert probe.seen == [False, False]
    assert gc.isenabled()
