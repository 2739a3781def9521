"""Item 1 of issue 12: on a machine without one of the X11 libraries Qt's xcb plugin needs, the
workbench says which Debian package to install (exit 1) instead of Qt's abort (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.gui.system_libraries import XCB_LIBRARIES, problem, uses_xcb
from annotator.store import Store


def test_gui_missing_xcb_cursor_library_names_the_package_and_exits_1(tmp_path: Path):
    """A broken `libxcb-cursor.so.0` first on the loader's path is what a machine without the
    package looks like to Qt: it aborts (134) with a paragraph about plugins."""
    project = tmp_path / "p.db"
    Store(project).close()
    fake = tmp_path / "lib"
    fake.mkdir()
    (fake / "libxcb-cursor.so.0").write_bytes(b"")  # dlopen: "file too short"
    env = {**os.environ, "LD_LIBRARY_PATH": str(fake), "QT_QPA_PLATFORM": "xcb",
           "DISPLAY": os.environ.get("DISPLAY", ":0")}
    result = subprocess.run([sys.executable, "-m", "annotator", "gui", str(project)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "libxcb-cursor.so.0" in lines[0] and "apt install libxcb-cursor0" in lines[0]
    assert "qt.qpa.plugin" not in result.stderr


def test_gui_xcb_check_lists_every_missing_package_once():
    missing = {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0"}
    line = problem({"QT_QPA_PLATFORM": "xcb"}, loads=lambda soname: soname not in missing)
    assert line is not None and "\n" not in line
    assert "apt install libxcb-cursor0 libxkbcommon-x11-0" in line
    assert problem({"QT_QPA_PLATFORM": "xcb"}, loads=lambda soname: True) is None
    assert set(XCB_LIBRARIES) >= missing


def test_gui_xcb_check_only_where_qt_uses_xcb():
    assert uses_xcb({}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not uses_xcb({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({}, "darwin") and not uses_xcb({}, "win32")
    never = problem({"QT_QPA_PLATFORM": "offscreen"}, loads=lambda soname: False)
    assert never is None
