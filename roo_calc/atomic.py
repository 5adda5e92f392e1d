"""Writing output files atomically, leaving nothing behind when the write fails or is stopped.

The file is built in a private scratch folder beside the target and renamed into place only
when complete, so the target is always either the old file or the complete new one.  While it
is built, the scratch folder is also the process's temporary folder (`tempfile.tempdir`): the
spreadsheet writers keep their scratch XML there (xlsxwriter writes one temporary file per
part, holding BOM data, and leaves them in $TMPDIR when a write fails).  The folder is removed
on success, on any error (a full disk, a write error) and on SIGINT, SIGTERM or SIGHUP, which
raise `Interrupted` while a file is being written.  Only SIGKILL can leave the scratch folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

from roo_calc.errors import OutputError

_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(BaseException):
    """A stop signal arrived while a file was being written; the partial file was removed.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""

    def __init__(self, signum: int, target: Path):
        super().__init__(f"stopped by {signal.Signals(signum).name} while writing {target}; nothing was written")
        self.signum = signum


def check_target(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name for the output")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: the file exists and is read-only")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: the folder {path.parent} is not writable")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[str]:
    """Yield a temporary file name; on success it replaces `path` with the usual permissions.

    Any OSError while writing (a full disk, a lost mount) becomes an `OutputError` naming the
    target; nothing is left behind.
    """
    path = Path(path)
    check_target(path)
    try:
        scratch = tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    temporary = os.path.join(scratch, "output" + path.suffix)
    previous_tempdir, tempfile.tempdir = tempfile.tempdir, scratch
    previous_handlers = _raise_interrupted_on_stop_signals(path)
    try:
        yield temporary
        _block_stop_signals()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException as exc:
        _block_stop_signals()
        cause = _os_error(exc)
        if cause is not None and isinstance(exc, Exception):
            raise OutputError(f"{path}: cannot write the file: {cause.strerror or cause}; nothing was written") from None
        raise
    finally:
        # Stop signals are held back here: the cleanup always completes, then they act as usual.
        tempfile.tempdir = previous_tempdir
        shutil.rmtree(scratch, ignore_errors=True)
        _restore(previous_handlers)


@contextlib.contextmanager
def atomic_files(folder: Path, names: Iterable[str]) -> Iterator[Path]:
    """Files that belong together, all or none: yield a scratch folder inside `folder` to write each
    of `names` into (each with `atomic_path`); when the block ends without error they are moved into
    `folder`. On an error or a stop signal the scratch folder is removed and nothing is moved; every
    target is checked before any work is done."""
    names = list(names)
    for name in names:
        check_target(folder / name)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=".roo-calc.", suffix=".partial", dir=folder))
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here: {exc.strerror or exc}") from None
    previous_handlers = _raise_interrupted_on_stop_signals(folder)
    moved: list[str] = []
    try:
        yield scratch
        _block_stop_signals()
        for name in names:
            os.replace(scratch / name, folder / name)
            moved.append(name)
    except BaseException as exc:
        _block_stop_signals()
        cause = _os_error(exc)
        if moved and cause is not None:
            raise OutputError(f"{folder}: cannot move {names[len(moved)]} into place: {cause.strerror or cause}; "
                              f"written before that: {', '.join(moved)}") from None
        if cause is not None and isinstance(exc, Exception) and not isinstance(exc, OutputError):
            raise OutputError(f"{folder}: cannot write the files: {cause.strerror or cause}; nothing was written") from None
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        _restore(previous_handlers)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind an exception, also when a library wrapped it (xlsxwriter's FileCreateError)."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_interrupted_on_stop_signals(target: Path) -> dict | None:
    """While writing, SIGINT, SIGTERM and SIGHUP raise `Interrupted`, so the cleanup runs."""
    if not _in_main_thread():
        return None

    def stop(signum, frame):
        raise Interrupted(signum, target)

    return {sig: signal.signal(sig, stop) for sig in _STOP_SIGNALS}


def _block_stop_signals() -> None:
    if _in_main_thread() and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def _restore(handlers: dict | None) -> None:
    """The previous handlers back, then any stop signal held back is delivered."""
    if handlers is None:
        return
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
