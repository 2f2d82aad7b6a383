"""corpuskit imported from a checkout's ``corpuskit/`` folder rather than the installed
package: what Python does when started in the clone (``python -c 'import corpuskit'``,
``python -m corpuskit``) after ``pip install .``. The schemas are then not the
``corpuskit.schemas`` package (``schemas/`` is installed as it), and every check failed
with ``ModuleNotFoundError`` reported as an internal error: the README's example called a
sound release damaged (QA)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SEED_RELEASE

import corpuskit

#: Run in a copy of the checkout: only finders of the interpreter's own kind, so that no
#: installed corpuskit (an editable install's finder maps corpuskit.schemas) stands in.
SCRIPT = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()
                    and "editable" not in type(f).__module__.lower()]
import corpuskit
assert corpuskit.__file__.startswith(sys.argv[1]), corpuskit.__file__
report = corpuskit.validate(sys.argv[2])
print(report.valid, [problem.code for problem in report.problems])
"""


def test_a_checkout_imported_in_place_finds_its_schemas(tmp_path: Path) -> None:
    root = Path(corpuskit.__file__).resolve().parent.parent
    checkout = tmp_path / "clone"
    shutil.copytree(root / "corpuskit", checkout / "corpuskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "schemas", checkout / "schemas")
    release = root / "dist" / f"{SEED_RELEASE.name}.zip"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(checkout), str(release)],
                          cwd=checkout, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True []", done.stdout
