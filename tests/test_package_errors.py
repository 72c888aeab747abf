"""Import errors that name the package (``worker/packages.py``), in CPython."""

import pytest

from jupyter_worker.worker import packages


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.setattr(packages, "_FAILED", {})
    monkeypatch.setattr(packages, "_NOT_SHIPPED", {"PIL": "Pillow"})


def _lock_entry(name):
    return f"https://cdn.example/{name}-1.0.whl", {"pillow": ["PIL"]}.get(name.lower(), [name])


def test_a_failed_load_is_named_with_its_url_and_cause():
    packages.record_failures(
        ["Loading numpy", "The following error occurred while loading numpy:", "Failed to fetch"],
        _lock_entry,
    )
    error = ModuleNotFoundError("No module named 'numpy.linalg'", name="numpy.linalg")
    assert packages.note_for(error) == (
        "the Pyodide package numpy could not be loaded from "
        "https://cdn.example/numpy-1.0.whl: Failed to fetch"
    )


def test_a_package_is_named_by_its_import_names():
    packages.record_failures(
        ["The following error occurred while loading Pillow:", "request failed"], _lock_entry
    )
    assert "Pillow" in packages.note_for(ModuleNotFoundError(name="PIL"))
    assert packages.note_for(ModuleNotFoundError(name="Pillow")) is None


def test_an_unshipped_package_of_an_air_gapped_site_says_how_to_ship_it(monkeypatch):
    note = packages.note_for(ModuleNotFoundError(name="PIL.Image"))
    assert note.startswith("Pillow is a Pyodide package that this air-gapped site does not ship")
    assert "--worker-packages=Pillow" in note
    assert packages.note_for(ModuleNotFoundError(name="nothing_known")) is None
    assert packages.note_for(ModuleNotFoundError()) is None


def test_a_package_no_index_has_names_the_urls_micropip_asked():
    error = ValueError(
        "Can't fetch metadata for 'nope-jw'. Please make sure you have entered a correct "
        "package name and correctly specified index_urls (if you changed them)."
    )
    note = packages.note_for_install(
        error, ["http://127.0.0.1:9/simple", "http://mirror.test/{package_name}/json"]
    )
    assert note is not None
    assert "http://127.0.0.1:9/simple/nope-jw/, http://mirror.test/nope-jw/json" in note
    assert packages.note_for_install(ValueError("something else"), ["http://x"]) is None
