"""Append-only tables of records, stored column-wise in compact arrays and read back as the record tuples.

A replication appends hundreds of thousands of events and day records; a 200-clinician, 5-year run appends 950,000
events and 270,000 day records. Kept as tuples, each costs some 150-500 bytes of Python objects. Here a record's
numbers go into one ``array('d')`` (row after row, 8 bytes a number), its whole-number fields (ids, days, counts)
into one ``array('i')`` (4 bytes each) and its one text field into a byte of codes, so that run's log takes about
55 MB; and the metrics read each field as a numpy column without a pass over Python objects.

Reading is unchanged for everyone else: iterating, indexing and comparing a table gives the same record tuples
(the ``Event`` or ``DayRecord`` named tuple) that were appended. Whole numbers come back as ``int`` (float64 holds
them exactly), so a record read back equals the record appended.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np

__all__ = ["RecordTable"]

R = TypeVar("R", bound=tuple[Any, ...])
_CHUNK = 1 << 15  # numbers gathered before a move to the array


class RecordTable(Sequence[R], Generic[R]):
    """Records with one text field (from a fixed vocabulary) and otherwise numbers, appended in order."""

    __slots__ = ("_codes", "_fields", "_floats", "_int_list", "_ints", "_make", "_numbers", "_pending", "_text",
                 "_vocabulary", "_whole", "code")

    def __init__(self, make: Callable[..., R], fields: Sequence[str], *, text: str, vocabulary: Sequence[str],
                 ints: Sequence[str]) -> None:
        self._make = make
        self._fields = tuple(fields)
        self._text = self._fields.index(text)
        self._vocabulary = tuple(vocabulary)
        self.code = {word: code for code, word in enumerate(self._vocabulary)}  # text -> code
        # positions among the numbers (the text field is stored apart)
        self._ints = frozenset(i - (i > self._text) for i in map(self._fields.index, ints))
        width = len(self._fields) - 1
        self._floats = [i for i in range(width) if i not in self._ints]  # positions kept in ``_numbers``
        self._int_list = sorted(self._ints)  # positions kept in ``_whole``
        self._numbers = array("d")
        self._whole = array("i")  # the whole-number fields, 4 bytes each (ids, days and counts fit easily)
        # New numbers gather in a list and move to the array a chunk at a time: ``array.extend`` converts element
        # by element through the argument parser, several times slower than a list append plus one numpy copy.
        self._pending: list[float] = []
        self._codes = array("b")

    # -- writing ---------------------------------------------------------------------------------------------
    def append(self, record: R) -> None:
        t = self._text
        self.put(self.code[record[t]], record[:t] + record[t + 1:])

    def put(self, code: int, numbers: tuple[float, ...]) -> None:
        """Append a record given as its text code and its numbers in field order (the fast path)."""
        pending = self._pending
        pending.extend(numbers)
        self._codes.append(code)
        if len(pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            rows = np.array(self._pending, dtype=float).reshape(-1, len(self._fields) - 1)
            self._numbers.frombytes(np.ascontiguousarray(rows[:, self._floats]).tobytes())
            if self._ints:
                whole = rows[:, self._int_list]
                packed = whole.astype(np.int32)
                if not np.array_equal(packed, whole):
                    raise ValueError("a whole-number field holds a fraction or does not fit in 32 bits")
                self._whole.frombytes(packed.tobytes())
            self._pending = []

    # -- reading ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._codes)

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
        return self._record(self._matrix(index, index + 1)[0].tolist(), self._codes[index])

    def __iter__(self) -> Iterator[R]:
        rows = self._matrix().tolist()
        for row, code in zip(rows, self._codes, strict=True):
            yield self._record(row, code)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordTable):
            self._flush()
            other._flush()
            return self._codes == other._codes and self._numbers == other._numbers and self._whole == other._whole
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"RecordTable({len(self)} records)"

    def _record(self, numbers: list[float], code: int) -> R:
        values: list[Any] = [int(v) if i in self._ints else v for i, v in enumerate(numbers)]
        values.insert(self._text, self._vocabulary[code])
        return self._make(*values)

    def _matrix(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Records ``start:stop`` as a (records x numeric fields) float array, whole numbers put back in place: a
        copy, for reading record by record (the metrics read columns through ``column_view``)."""
        stop = len(self) if stop is None else stop
        floats, whole = self._views()
        matrix = np.empty((max(0, stop - start), len(self._fields) - 1))
        matrix[:, self._floats] = floats[start:stop]
        if self._ints:
            matrix[:, self._int_list] = whole[start:stop]
        return matrix

    def _views(self) -> tuple[np.ndarray, np.ndarray]:
        """The stored numbers as (records x fields) arrays, float64 and int32: views, so the table cannot grow while
        they live (``array`` refuses to resize a buffer that is exported); callers only use them briefly."""
        self._flush()
        n = len(self)
        floats = np.frombuffer(self._numbers, dtype=float).reshape(n, len(self._floats)) if n else \
            np.zeros((0, len(self._floats)))
        whole = np.frombuffer(self._whole, dtype=np.int32).reshape(n, len(self._ints)) if n and self._ints else \
            np.zeros((n, len(self._ints)), dtype=np.int32)
        return floats, whole

    def _locate(self, name: str) -> tuple[bool, int]:
        """(whole-number field?, its column among the stored floats or whole numbers)."""
        index = self._fields.index(name)
        if index == self._text:
            raise ValueError(f"{name} is the text field; use codes()")
        position = index - (index > self._text)
        if position in self._ints:
            return True, self._int_list.index(position)
        return False, self._floats.index(position)

    def column(self, name: str) -> np.ndarray:
        """One numeric field as a float array (a copy)."""
        whole, at = self._locate(name)
        floats, ints = self._views()
        column: np.ndarray = (ints if whole else floats)[:, at].astype(float)
        return column

    def column_view(self, name: str) -> np.ndarray:
        """One numeric field as a read-only view, no copy: float64, or int32 for a whole-number field. For reading
        a finished table (while the view lives, appending raises ``BufferError``, so a view must not outlive the
        reading)."""
        whole, at = self._locate(name)
        floats, ints = self._views()
        view = (ints if whole else floats)[:, at]
        view.flags.writeable = False
        return view

    def codes(self) -> np.ndarray:
        """The text field as codes into the vocabulary (int8, a copy)."""
        return np.array(self._codes, dtype=np.int8)

    def texts(self) -> np.ndarray:
        """The text field as strings."""
        texts: np.ndarray = np.array(self._vocabulary, dtype=object)[self.codes()]
        return texts
