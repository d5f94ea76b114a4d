"""A store's disk made really full, then freed, for storage-fault tests.

As root (the test machines), the store lives on a 2 MiB tmpfs that `fill` packs with a filler file until
the kernel answers ENOSPC: every later write of the store fails as on a full production disk. Without
root, no filesystem can be mounted, and `fill` falls back on the nearest fault the process can make: an
SQLite store's connection is capped at its current size (`PRAGMA max_page_count`, SQLite then answers
"database or disk is full"), a file store (the audit trail) becomes read-only (EACCES instead of
ENOSPC); each test says which of the two it saw.
"""

import contextlib
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

SIZE = "2m"
CHUNK = 64 * 1024


def is_root() -> bool:
    return os.geteuid() == 0


class FullDisk:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._filler = directory / "filler"
        self._sqlite: sqlite3.Connection | None = None
        self._read_only: list[Path] = []

    @property
    def real(self) -> bool:
        """True when the disk is a real small filesystem (ENOSPC), False for the fallback."""
        return is_root()

    def fill(self, sqlite: sqlite3.Connection | None = None, files: tuple[Path, ...] = ()) -> None:
        """Full: a filler takes every free block (or, without root, `sqlite` is capped and `files` made
        read-only)."""
        if self.real:
            descriptor = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            try:
                while True:
                    os.write(descriptor, b"\0" * CHUNK)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
            finally:
                os.close(descriptor)
            return
        if sqlite is not None:
            pages = sqlite.execute("PRAGMA page_count").fetchone()[0]
            sqlite.execute(f"PRAGMA max_page_count = {pages}")
            self._sqlite = sqlite
        for path in files:
            path.touch()
            path.chmod(0o400)
            self._read_only.append(path)

    def free(self) -> None:
        if self.real:
            self._filler.unlink()
            return
        if self._sqlite is not None:
            self._sqlite.execute("PRAGMA max_page_count = 1073741823")
        for path in self._read_only:
            path.chmod(0o600)


@contextlib.contextmanager
def full_disk(directory: Path) -> Iterator[FullDisk]:
    """A small filesystem mounted at `directory` (as root), unmounted after."""
    directory.mkdir(parents=True, exist_ok=True)
    if is_root():
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(directory)], check=True)
    try:
        yield FullDisk(directory)
    finally:
        if is_root():
            subprocess.run(["umount", "-l", str(directory)], check=True)
