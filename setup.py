"""Packaging hook: the wheel carries the release, shapes, queries and examples as package data.

They live at the top of the repository (``ontology/``, ``shapes/``, ``sparql/``, ``examples/``),
where the build writes them and curators edit them; when a wheel is built they are copied into
``cytoowl/_data/`` with the same layout, which :mod:`cytoowl.paths` reads when cytoowl is not
imported from a checkout. Editable installs read the checkout directly, so nothing is copied.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
from cytoowl.paths import PACKAGED  # noqa: E402  (the one list of what is packaged)


class build_py_with_data(build_py):
    """``build_py`` plus the copy of the project data into ``cytoowl/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "cytoowl" / "_data"
        for folder, patterns in PACKAGED.items():
            for pattern in patterns:
                for path in sorted((ROOT / folder).glob(pattern)):
                    dest = target / folder / path.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    if path.is_dir():
                        shutil.copytree(path, dest, dirs_exist_ok=True)
                    else:
                        shutil.copy2(path, dest)


setup(cmdclass={"build_py": build_py_with_data})
