"""Logging for the app and the CLI: a rotating file in the logs folder.

Users never see tracebacks; the log keeps them, and error messages point to it.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from annotator import paths

LOG_NAME = "annotator.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Send log records of ``annotator`` to logs/annotator.log; returns that file's path."""
    log_file = paths.log_dir() / LOG_NAME
    logger = logging.getLogger("annotator")
    for old in [h for h in logger.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        if Path(old.baseFilename) == log_file:
            break
        logger.removeHandler(old)  # the logs folder moved (ANNOTATOR_HOME changed)
        old.close()
    else:
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    return log_file
