"""PyInstaller runtime hook: a frozen Annotator reads and writes file names as UTF-8.

The spec also starts Python in UTF-8 mode; this sets a UTF-8 locale (LANG=C.UTF-8 equivalent) for
Qt and for child processes when the environment names none, as on a bare system or a cron job.
"""

import os
import sys

if sys.platform != "win32":
    current = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or ""
    if "utf-8" not in current.lower() and "utf8" not in current.lower():
        utf8 = "UTF-8" if sys.platform == "darwin" else "C.UTF-8"  # macOS has no C.UTF-8
        os.environ["LC_ALL" if os.environ.get("LC_ALL") else "LC_CTYPE"] = utf8
        os.environ.setdefault("LANG", utf8)
