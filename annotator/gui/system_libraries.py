"""Before Qt starts on X11: are the system libraries its xcb platform plugin needs installed?

The PySide6 wheel brings Qt itself but not the X11 client libraries its `xcb` plugin links to.
When one is missing (on a fresh Debian, `libxcb-cursor0` usually is), creating the
QApplication prints a paragraph about plugins and aborts (exit status 134). This module runs
before any Qt import, tries each library the way the plugin will (`dlopen`), and names the
Debian packages to install instead. Standard library only, so it works where Qt cannot.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable

#: what Qt 6's xcb plugin (libqxcb.so, libQt6XcbQpa.so.6) loads beyond Qt: soname -> Debian package
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}


def uses_xcb(environ: dict[str, str] | os._Environ = os.environ,
             platform: str = sys.platform) -> bool:
    """Will Qt pick its xcb plugin? On Linux, unless told otherwise or in a Wayland session."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY")
    return not wayland


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(loads: Callable[[str], bool] = _loads) -> list[str]:
    """The sonames of `XCB_LIBRARIES` that the dynamic loader cannot load."""
    return [soname for soname in XCB_LIBRARIES if not loads(soname)]


def problem(environ: dict[str, str] | os._Environ = os.environ,
            loads: Callable[[str], bool] = _loads) -> str | None:
    """One line naming what to install, or None when Qt can start (or will not use xcb)."""
    if not uses_xcb(environ):
        return None
    missing = missing_libraries(loads)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(XCB_LIBRARIES[soname] for soname in missing))
    return (f"Qt's X11 (xcb) plugin cannot load {', '.join(missing)}: install it with "
            f"`sudo apt install {packages}` on Debian/Ubuntu (other systems: see README, "
            f"\"System libraries\")")
