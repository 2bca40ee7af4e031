"""Atomic file writing: a crash never leaves a half-written file that looks complete."""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

#: a temporary file of a writer on another machine (a shared file system), or of an older
#: neuroloom that did not name its writer, is removed when it has not changed for this
#: long (s): its writer's life cannot be checked from here
STALE_AFTER = 24 * 3600.0


@contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path next to ``path``; it replaces ``path`` only if the block
    finishes without an exception, and is removed otherwise."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = suffix or ".tmp"
    remove_stale_temporaries(path, suffix)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_writer()}.", suffix=suffix,
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; outputs are not
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _writer() -> str:
    """This process as a temporary file names its writer: ``<pid>@<host>``."""
    return f"{os.getpid()}@{_host()}"


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def remove_stale_temporaries(path, suffix: str = ".tmp") -> list[Path]:
    """Remove the temporary files a killed save of ``path`` left beside it
    (``.<name>.<pid>@<host>.XXXXXXXX<suffix>``), and return them.

    A temporary file may belong to a save still running in another process (two runs
    writing one output, a batch), so only a dead writer's file is removed: the writer's
    pid and host are in the name (an age alone cannot tell a slow writer of a large file
    from a dead one). A writer on this host is dead when its pid no longer exists (a
    recycled pid only keeps a file longer, it never removes a live writer's). A file of
    another host, or of an older neuroloom whose names had no writer, is removed only once
    it has not changed for ``STALE_AFTER`` seconds."""
    path = Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(?:(\d+)@([A-Za-z0-9-]+)\.)?"
                         rf"[A-Za-z0-9_]+{re.escape(suffix)}$")
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    host = _host()
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid, writer_host = match.groups()
        if pid is not None and writer_host == host:
            stale = not _alive(int(pid))
        else:
            try:
                stale = time.time() - entry.stat().st_mtime > STALE_AFTER
            except OSError:
                continue
        if stale:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:  # another save removed it first, or it is not ours to remove
                pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def write_bytes_atomic(path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_dir(path, may_replace=lambda folder: False):
    """Yield a temporary folder next to ``path`` that becomes ``path`` only if the block
    finishes without an exception. An existing ``path`` is replaced only when it is
    empty or ``may_replace(path)`` says it is an earlier output of the same kind."""
    path = Path(path)
    if path.exists() and any(path.iterdir()) and not may_replace(path):
        raise FileExistsError(f"{path} exists and is not empty")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
