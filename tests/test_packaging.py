"""The installed distribution holds every module and schema (a wheel, not only a checkout)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import REPO


def _declared() -> tuple[set[str], dict[str, str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    return set(config["packages"]), config.get("package-dir", {})


def test_every_python_package_of_corpuskit_is_declared_for_the_wheel() -> None:
    packages, _ = _declared()
    found = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "corpuskit").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert found <= packages, f"missing from [tool.setuptools] packages: {found - packages}"


def test_every_schema_ships_inside_the_package() -> None:
    packages, package_dir = _declared()
    assert package_dir.get("corpuskit.schemas") == "schemas"
    folders = {p.parent for p in (REPO / "schemas").rglob("*.json")}
    for folder in folders:
        name = ".".join(("corpuskit", *Path("schemas", *folder.relative_to(REPO / "schemas").parts)
                         .parts))
        assert name in packages, f"{folder} holds schemas but {name} is not a package"
        assert (folder / "__init__.py").is_file()


def test_the_build_requirement_is_a_setuptools_that_reads_the_license_expression() -> None:
    # QA: docs 2. `license = "MIT"` (a string: an SPDX expression, PEP 639) is read only by
    # setuptools 77 and later; an older one that met the stated floor failed the install.
    from packaging.requirements import Requirement
    from packaging.version import Version

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert isinstance(pyproject["project"]["license"], str)
    requires = [Requirement(r) for r in pyproject["build-system"]["requires"]]
    (setuptools,) = [r for r in requires if r.name == "setuptools"]
    floors = [Version(s.version) for s in setuptools.specifier if s.operator == ">="]
    assert floors and min(floors) >= Version("77")
    # Every version the floor admits (from 77 on) satisfies the requirement.
    assert not setuptools.specifier.contains("76.1.0")
    assert setuptools.specifier.contains("77.0.3")
