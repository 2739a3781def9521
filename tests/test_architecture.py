"""The dependency direction is a test, not a hope: only annotator/gui imports Qt, and the core
never imports the GUI or the CLI."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent
CORE_FORBIDDEN = ("PySide6", "annotator.gui", "annotator.cli")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_architecture_only_gui_imports_qt_and_core_imports_no_front_end():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0]
        if part in ("gui", "__main__.py"):
            continue
        forbidden = ("PySide6",) if part == "cli" else CORE_FORBIDDEN
        bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(bad)}")
    assert offenders == []


def test_architecture_import_linter_contracts_hold():
    lint = shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
