"""How the library reads and writes files: one place for encodings, delimiters, spreadsheets
and safe writing.

Danish and Norwegian Excel saves "CSV" with ``;`` between cells and in Windows-1252, and opens
UTF-8 without a byte-order mark as Windows-1252 (``Ø1`` shows as garbage). So the readers detect
``;``, give a one-line hint for a file that is not UTF-8, and take an explicit delimiter or
encoding; :func:`spreadsheet` output writes a BOM and ``;`` and neutralises cells that a
spreadsheet would run as formulas (``=``, ``+``, ``-``, ``@`` first). Every file is written
whole or not at all (a temporary file beside it, then a rename), and only regular files of
a bounded size are read: a FIFO or ``/dev/zero`` named as input would otherwise block or read
without end.

The options are context variables, so the command line sets them once for a command
(:func:`reading`, :func:`spreadsheet`) and library calls keep the defaults.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

__all__ = ["MAX_BYTES", "ReadOptions", "formula_like", "neutralise", "reading", "spreadsheet",
           "write_atomic"]

log = logging.getLogger("cocreate_match.files")

# Input files larger than this are refused (a scenario of a million applicants is ~100 MB).
MAX_BYTES = 512 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How input files are decoded: ``encoding`` None means UTF-8 (a BOM is dropped);
    ``delimiter`` None means detected from the header line (``,``, ``;`` or tab)."""

    encoding: str | None = None
    delimiter: str | None = None


_READ: contextvars.ContextVar[ReadOptions | None] = contextvars.ContextVar("read",
                                                                           default=None)
_EXCEL: contextvars.ContextVar[bool] = contextvars.ContextVar("excel", default=False)


@contextlib.contextmanager
def reading(encoding: str | None = None, delimiter: str | None = None) -> Iterator[None]:
    """Read input files with this encoding and delimiter inside the block."""
    token = _READ.set(ReadOptions(encoding=encoding, delimiter=delimiter))
    try:
        yield
    finally:
        _READ.reset(token)


@contextlib.contextmanager
def spreadsheet(enabled: bool = True) -> Iterator[None]:
    """Write CSV for Danish and Norwegian Excel inside the block: UTF-8 with a BOM, ``;``
    between cells, formulas neutralised."""
    token = _EXCEL.set(enabled)
    try:
        yield
    finally:
        _EXCEL.reset(token)


def read_options() -> ReadOptions:
    return _READ.get() or ReadOptions()


def for_spreadsheet() -> bool:
    return _EXCEL.get()


def read_bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, or None with the reason."""
    try:
        info = path.stat()
    except FileNotFoundError:
        problems.append(Problem(code="CM-E100", file=name))
        return None
    except OSError as err:
        problems.append(Problem(code="CM-E101", params={"reason": err.strerror}, file=name))
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.append(Problem(code="CM-E102", file=name))
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(Problem(code="CM-E103", file=name))
        return None
    if info.st_size > MAX_BYTES:
        problems.append(Problem(code="CM-E104", params={"size": info.st_size / 2**20,
                                                        "limit": MAX_BYTES // 2**20},
                                file=name))
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        problems.append(Problem(code="CM-E101", params={"reason": err.strerror}, file=name))
        return None
    if len(data) > MAX_BYTES:  # it grew while we looked
        problems.append(Problem(code="CM-E105", params={"limit": MAX_BYTES // 2**20},
                                file=name))
        return None
    return data


def decode(data: bytes, name: str, problems: list[Problem], *,
           spreadsheet: bool = False) -> str | None:
    """Text of a file: UTF-8 (a BOM dropped), with a one-line hint when it is not. A CSV file
    (``spreadsheet``) may have another encoding given to :func:`reading`; TOML is UTF-8."""
    chosen = read_options().encoding if spreadsheet else None
    if chosen is not None:
        try:
            return data.decode(chosen)
        except (UnicodeDecodeError, LookupError) as err:
            problems.append(Problem(code="CM-E106", params={"encoding": chosen,
                                                            "reason": str(err)}, file=name))
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0:4:2] != b"\0\0"):
        # A CSV file gets the way to save it from Excel, or to read it as it is.
        problems.append(Problem(code="CM-E108" if spreadsheet else "CM-E107", file=name))
        return None
    try:
        # A CSV file keeps its byte-order mark: the reader takes it for a sign of --excel.
        return data.decode("utf-8" if spreadsheet else "utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        # A CSV file is most likely one Danish or Norwegian Excel saved as 'CSV'.
        problems.append(Problem(code="CM-E109" if spreadsheet else "CM-E110",
                                params={"byte": data[err.start], "offset": err.start},
                                file=name, row=line))
        return None


def delimiter_of(text: str) -> str:
    """The delimiter given to :func:`reading`, else the one the header line uses most
    (outside quotes); ``,`` when none."""
    chosen = read_options().delimiter
    if chosen is not None:
        return chosen
    import csv
    import io

    # The separator that cuts the first lines into the same number of cells, the most cells
    # first; ',' when none does better (a ';' inside a column name does not make ';' win
    # when ',' splits every line alike).
    lines = [line for line in text.splitlines()[:50] if line.strip()][:20]

    def score(delimiter: str) -> tuple[bool, int, bool]:
        try:
            widths = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)),
                                                    delimiter=delimiter)]
        except csv.Error:
            return (False, 0, delimiter == ",")
        alike = bool(widths) and len(set(widths)) == 1 and widths[0] > 1
        return (alike, widths[0] if widths else 0, delimiter == ",")

    return max(DELIMITERS, key=score)


def formula_like(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula: it starts with ``=``, ``+``, ``-`` or
    ``@`` (or a tab or carriage return before one), and is not a number.

    Examples
    --------
    >>> formula_like("=HYPERLINK(1)"), formula_like("-3"), formula_like("Ø1")
    (True, False, False)
    """
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def marked(cell: str) -> bool:
    """Whether --excel output marks the cell with an apostrophe: it is formula-like once any
    apostrophes in front are taken away (so ``'=x`` keeps its own apostrophe on the way back)."""
    return formula_like(cell.lstrip("'"))


def neutralise(cell: str) -> str:
    """A formula-like cell with a leading apostrophe (shown as text, not run)."""
    return "'" + cell if marked(cell) else cell


def unneutralise(cell: str) -> str:
    """The cell :func:`neutralise` was given."""
    return cell[1:] if cell.startswith("'") and marked(cell[1:]) else cell


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the file whole or not at all: a temporary file beside it, then a rename.

    A path that exists and is not a regular file (a device such as ``/dev/full``, a pipe) is
    written in place, as renaming over it would replace the device.
    """
    # Through a symbolic link to the file it names; a file we may not write stays unwritten.
    target = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and not os.access(target, os.W_OK):
        raise PermissionError(13, "Permission denied", os.fspath(path))
    try:
        _write(target, info, data)
    except OSError as err:  # name the file, whatever step failed
        raise OSError(err.errno, err.strerror, os.fspath(path)) from err


def _write(target: Path, info: os.stat_result | None, data: bytes) -> None:
    if info is not None and not stat.S_ISREG(info.st_mode):
        with target.open("wb") as handle:
            handle.write(data)
        return
    fd, temporary = tempfile.mkstemp(dir=target.resolve().parent,
                                     prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if info is not None:
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
