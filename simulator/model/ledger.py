"""Append-only tables of records, stored row by row as packed bytes and read back as the record tuples.

A replication appends hundreds of thousands of events and day records; a 200-clinician, 5-year run appends 950,000
events and 270,000 day records. Kept as tuples, each costs some 150-500 bytes of Python objects. Here a record is
packed into one growing buffer of bytes as it is appended: its one text field as a byte of code, its whole-number
fields (ids, days, counts) as 4-byte little-endian integers and the rest as 8-byte floats, so that run's log takes
about 55 MB; and the metrics read each field as a numpy column (a view of a structured array over the bytes) without
a pass over Python objects.

Rows are written into a ``BytesWriter`` of librt, the runtime library of mypyc, and moved in chunks of ``CHUNK``
bytes into the table's ``bytearray``. The model's writer (``EventLog``) writes a row field by field with librt's
``write_f64_le`` and ``write_i32_le``: compiled, each is a few machine instructions on the number as it is, where
``struct.pack`` needed every field boxed as a Python object and parsed back, which made writing the log a fifth of
a replication. A whole-number field that holds a fraction or does not fit in 32 bits is refused at the record that
carries it, and the record is taken back whole. (Gathering numbers in a list and converting them with numpy a chunk
at a time, as before ``struct``, cost twice as much again.)

Reading is unchanged for everyone else: iterating, indexing and comparing a table gives the same record tuples
(the ``Event`` or ``DayRecord`` named tuple) that were appended. Whole numbers come back as ``int``, so a record
read back equals the record appended.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, Generic, TypeVar, overload

import numpy as np
from librt.strings import BytesWriter

__all__ = ["CHUNK", "RecordTable"]

#: Bytes of rows a writer holds before they move to the table's ``bytearray`` (``RecordTable.flush``): small, so the
#: rows are kept once, as packed bytes, whatever the length of the run.
CHUNK: Final = 1 << 16

R = TypeVar("R", bound=tuple[Any, ...])
_CODE = "_code"  # the text field's column in the structured array (a name no record field has: fields are public)


class RecordTable(Sequence[R], Generic[R]):
    """Records with one text field (from a fixed vocabulary) and otherwise numbers, appended in order."""

    __slots__ = ("_dtype", "_fields", "_make", "_rows", "_struct", "_text", "_vocabulary", "code", "out")

    def __init__(self, make: Callable[..., R], fields: Sequence[str], *, text: str, vocabulary: Sequence[str],
                 ints: Sequence[str]) -> None:
        self._make = make
        self._fields = tuple(fields)
        self._text = self._fields.index(text)
        self._vocabulary = tuple(vocabulary)
        self.code = {word: code for code, word in enumerate(self._vocabulary)}  # text -> code
        numeric = [name for name in self._fields if name != text]
        # '<': little-endian, standard sizes, no padding, so the numpy dtype below describes the same bytes.
        self._struct = struct.Struct("<b" + "".join("i" if name in ints else "d" for name in numeric))
        self._dtype = np.dtype([(_CODE, "<i1")] + [(name, "<i4" if name in ints else "<f8") for name in numeric])
        # The latest rows, packed. A writer appends a row's fields to it in the order above, its text field first
        # (see ``EventLog``), takes the row back whole (``truncate``) if a field does not fit, and calls
        # ``row_written`` after each row.
        self.out = BytesWriter()
        self._rows = bytearray()  # the rows before those

    # -- writing ---------------------------------------------------------------------------------------------
    def append(self, record: R) -> None:
        t = self._text
        self.put((self.code[record[t]], *record[:t], *record[t + 1:]))

    def put(self, row: tuple[float, ...]) -> None:
        """Append a record given as its text field's code followed by its numbers in field order."""
        try:
            packed = self._struct.pack(*row)
        except struct.error as error:
            raise ValueError(f"record {row[1:]} does not fit its table: a whole-number field holds a fraction or "
                             f"does not fit in 32 bits ({error})") from None
        self.out.write(packed)
        self.row_written()

    def row_written(self) -> None:
        """A row is complete in the writer: once the writer holds ``CHUNK`` bytes, they move to the table."""
        if len(self.out) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Move the writer's rows to the end of the table's ``bytearray``."""
        if len(self.out):
            self._rows += self.out.getvalue()
            self.out.truncate(0)

    def rows(self) -> bytearray:
        """Every row, packed (the table's own buffer, not a copy)."""
        self.flush()
        return self._rows

    # -- reading ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return (len(self._rows) + len(self.out)) // self._struct.size

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> list[R]: ...

    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        index = index + n if index < 0 else index
        if not 0 <= index < n:
            raise IndexError("record index out of range")
        return self._record(self._struct.unpack_from(self.rows(), index * self._struct.size))

    def __iter__(self) -> Iterator[R]:
        for values in self._struct.iter_unpack(bytes(self.rows())):  # a copy: appending while iterating is allowed
            yield self._record(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordTable):
            return self._dtype == other._dtype and self.rows() == other.rows()
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"RecordTable({len(self)} records)"

    def _record(self, values: tuple[Any, ...]) -> R:
        record = list(values[1:])
        record.insert(self._text, self._vocabulary[values[0]])
        return self._make(*record)

    def _view(self) -> np.ndarray:
        """The records as a structured array over the stored bytes: a view, so while it lives the rows appended
        since cannot move out of the writer (a ``bytearray`` refuses to resize a buffer that is exported: the next
        full chunk or read raises ``BufferError``); callers only use it briefly."""
        return np.frombuffer(self.rows(), dtype=self._dtype)

    def column(self, name: str) -> np.ndarray:
        """One numeric field as a float array (a copy)."""
        column: np.ndarray = self._field(name).astype(float)
        return column

    def column_view(self, name: str) -> np.ndarray:
        """One numeric field as a read-only view, no copy: float64, or int32 for a whole-number field. For reading
        a finished table (while the view lives, moving newer rows into the table raises ``BufferError``, so a view
        must not outlive the reading)."""
        view = self._field(name)
        view.flags.writeable = False
        return view

    def _field(self, name: str) -> np.ndarray:
        if name not in self._fields:
            raise ValueError(f"{name} is not a field of this table")
        if self._fields.index(name) == self._text:
            raise ValueError(f"{name} is the text field; use codes()")
        field: np.ndarray = self._view()[name]
        return field

    def codes(self) -> np.ndarray:
        """The text field as codes into the vocabulary (int8, a copy)."""
        return np.array(self._view()[_CODE], dtype=np.int8)

    def texts(self) -> np.ndarray:
        """The text field as strings."""
        texts: np.ndarray = np.array(self._vocabulary, dtype=object)[self.codes()]
        return texts
