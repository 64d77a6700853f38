"""Writing an output file whole or not at all.

Input: a path and its text. Output: the file, written to a temporary file
beside it, flushed to disk and renamed over the path, so that a reader (or a
crash) never sees half of it; `refuse_existing` says in one line why an
existing file is kept.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def refuse_existing(path: Path, force: bool) -> str | None:
    """Why `path` may not be written (it exists and there is no --force, or
    its folder is missing), or None."""
    if path.exists() and not force:
        return f"{path} exists; --force replaces it"
    if not path.parent.is_dir():
        return f"{path.parent} is not a directory"
    return None


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
