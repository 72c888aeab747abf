"""Assembling the offline Pyodide: dependency closure and lock rewriting (no network)."""

import hashlib
import zipfile

import pytest

from jupyter_worker.lite.pyodide_bundle import (
    normalize,
    requirement_name,
    rewrite_lock,
    start_closure,
    wheel_metadata,
    wheel_requirements,
)


def _lock():
    def entry(name, depends):
        return {
            "name": name,
            "version": "1.0",
            "file_name": f"{name}-1.0-py3-none-any.whl",
            "sha256": "0" * 64,
            "depends": depends,
            "imports": [name],
            "install_dir": "site",
            "package_type": "package",
            "unvendored_tests": False,
        }

    return {
        "info": {"python": "3.14.2"},
        "packages": {
            "ipython": entry("ipython", ["prompt_toolkit", "traitlets"]),
            "prompt-toolkit": entry("prompt_toolkit", ["wcwidth"]),
            "traitlets": entry("traitlets", []),
            "wcwidth": entry("wcwidth", []),
            "numpy": entry("numpy", []),
        },
    }


def _wheel(path, top, requires=()):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(f"{top}/__init__.py", "")
        meta = "Metadata-Version: 2.1\nName: x\n" + "".join(
            f"Requires-Dist: {req}\n" for req in requires
        )
        wheel.writestr(f"{top}-1.0.dist-info/METADATA", meta)
    return path


def test_normalize():
    assert normalize("Prompt_Toolkit") == normalize("prompt.toolkit") == "prompt-toolkit"


def test_closure_follows_unnormalized_depends():
    assert start_closure(_lock(), ["ipython"]) == [
        "ipython",
        "prompt-toolkit",
        "traitlets",
        "wcwidth",
    ]


def test_closure_names_a_missing_package():
    with pytest.raises(KeyError, match="'comm' is not in the Pyodide lock"):
        start_closure(_lock(), ["comm"])


def test_rewrite_points_entries_at_shipped_wheels(tmp_path):
    wheel = _wheel(tmp_path / "traitlets-1.0-py3-none-any.whl", "traitlets")
    lock = rewrite_lock(_lock(), {"traitlets": wheel}, {})
    entry = lock["packages"]["traitlets"]
    assert entry["file_name"] == wheel.name
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert lock["packages"]["numpy"]["sha256"] == "0" * 64


def test_rewrite_adds_extra_packages(tmp_path):
    wheel = _wheel(
        tmp_path / "comm-0.2.3-py3-none-any.whl",
        "comm",
        ["traitlets>=4", "pytest ; extra == 'test'", "unknown-dist"],
    )
    lock = rewrite_lock(_lock(), {"comm": wheel}, {"comm": "0.2.3"})
    entry = lock["packages"]["comm"]
    assert entry["version"] == "0.2.3"
    assert entry["imports"] == ["comm"]
    # only unconditional requirements that the lock can satisfy
    assert entry["depends"] == ["traitlets"]
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_rewrite_refuses_an_unknown_wheel(tmp_path):
    wheel = _wheel(tmp_path / "stray-1.0-py3-none-any.whl", "stray")
    with pytest.raises(KeyError, match="neither in the Pyodide lock"):
        rewrite_lock(_lock(), {"stray": wheel}, {})


def test_wheel_metadata(tmp_path):
    wheel = _wheel(tmp_path / "a-1.0-py3-none-any.whl", "a", ["b (>=1)", "c; python_version<'3'"])
    assert wheel_metadata(wheel) == (["a"], ["b"])
    # the requirement keeps its version, not its extras
    extras = _wheel(tmp_path / "d-1.0-py3-none-any.whl", "d", ["Foo_Bar[x] >=2", "six"])
    assert wheel_requirements(extras) == [("foo-bar", "Foo_Bar>=2"), ("six", "six")]


def test_requirement_name():
    assert requirement_name(" Foo.Bar[x]>=1 ") == "foo-bar"
    with pytest.raises(ValueError, match="not a package requirement"):
        requirement_name("==1")
