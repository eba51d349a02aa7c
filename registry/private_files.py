"""Files holding personal data (stored uploads, backups) are created readable by the owner only (0600),
whatever the process umask (issue 10 item 11: they were written 0644)."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (replacing a file already there), for a writer that opens it
    by name afterwards (sqlite3's backup, pg_dump): the content never exists with wider permissions."""
    path = Path(path)
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    os.chmod(path, PRIVATE)  # the umask cannot widen it, but an odd file system could


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` with mode 0600."""
    fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), PRIVATE)
        fh.write(data)
