"""Append-only tables of records, stored row by row as packed bytes and read back as the record tuples.

A replication appends hundreds of thousands of events and day records; a 200-clinician, 5-year run appends 950,000
events and 270,000 day records. Kept as tuples, each costs some 150-500 bytes of Python objects. Here a record is
packed by ``struct`` into one ``bytearray`` as it is appended: its one text field as a byte of code, its whole-number
fields (ids, days, counts) as 4-byte integers and the rest as 8-byte floats, so that run's log takes about 55 MB; and
the metrics read each field as a numpy column (a view of a structured array over the bytes) without a pass over
Python objects.

Packing converts each number once, in C, and rejects a whole-number field that holds a fraction or does not fit in
32 bits at the record that carries it. (Gathering numbers in a list and converting them with numpy a chunk at a time,
as before, cost twice as much: numpy first inspects every element to find a common type.)

Reading is unchanged for everyone else: iterating, indexing and comparing a table gives the same record tuples
(the ``Event`` or ``DayRecord`` named tuple) that were appended. Whole numbers come back as ``int``, so a record
read back equals the record appended.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, cast, overload

import numpy as np

__all__ = ["RecordTable"]

R = TypeVar("R", bound=tuple[Any, ...])
_CODE = "_code"  # the text field's column in the structured array (a name no record field has: fields are public)


class RecordTable(Sequence[R], Generic[R]):
    """Records with one text field (from a fixed vocabulary) and otherwise numbers, appended in order."""

    __slots__ = ("_dtype", "_fields", "_make", "_pack", "_rows", "_struct", "_text", "_vocabulary", "code")

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
        # Bound once, as it is called for every record. Typed ``object`` because compiled, an attribute typed as a
        # callable is read through a generic attribute lookup, an ``object`` one directly.
        self._pack: object = self._struct.pack
        self._rows = bytearray()

    # -- writing ---------------------------------------------------------------------------------------------
    def append(self, record: R) -> None:
        t = self._text
        self.put((self.code[record[t]], *record[:t], *record[t + 1:]))

    def put(self, row: tuple[float, ...]) -> None:
        """Append a record given as its text field's code followed by its numbers in field order (the fast path:
        the tuple is handed to ``struct`` as it is)."""
        try:
            self._rows += cast("Callable[..., bytes]", self._pack)(*row)
        except struct.error as error:
            raise ValueError(f"record {row[1:]} does not fit its table: a whole-number field holds a fraction or "
                             f"does not fit in 32 bits ({error})") from None

    def packer(self) -> Callable[..., bytes]:
        """The row packer, for a writer that appends many rows: call it with the text field's code and then the
        numbers in field order, as separate arguments, and hand the bytes to ``put_packed``. Compiled, that is cheaper
        than ``put``, which needs the row built as a tuple first. A row that does not fit raises ``struct.error``."""
        pack: Callable[..., bytes] = self._struct.pack
        return pack

    def put_packed(self, row: bytes) -> None:
        """Append a row packed by ``packer()``."""
        self._rows += row

    # -- reading ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows) // self._struct.size

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
        return self._record(self._struct.unpack_from(self._rows, index * self._struct.size))

    def __iter__(self) -> Iterator[R]:
        for values in self._struct.iter_unpack(bytes(self._rows)):  # a copy: appending while iterating is allowed
            yield self._record(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordTable):
            return self._dtype == other._dtype and self._rows == other._rows
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
        """The records as a structured array over the stored bytes: a view, so the table cannot grow while it lives
        (a ``bytearray`` refuses to resize a buffer that is exported); callers only use it briefly."""
        return np.frombuffer(self._rows, dtype=self._dtype)

    def column(self, name: str) -> np.ndarray:
        """One numeric field as a float array (a copy)."""
        column: np.ndarray = self._field(name).astype(float)
        return column

    def column_view(self, name: str) -> np.ndarray:
        """One numeric field as a read-only view, no copy: float64, or int32 for a whole-number field. For reading
        a finished table (while the view lives, appending raises ``BufferError``, so a view must not outlive the
        reading)."""
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
