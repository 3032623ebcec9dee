"""First in, first out, in a list read from a head index: the waitlist's queues and the admin pool's finishes.

Compiled, ``deque.append`` and ``popleft`` are generic method calls into Python's C API, and a heap sifts at every
pop; a list's append and index are direct. The served front of the list is dropped when the queue empties, or once
it is long, so a queue holds what waits, not everything that ever did.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

__all__ = ["Fifo"]

T = TypeVar("T")


class Fifo(Generic[T]):
    __slots__ = ("_head", "_items")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._head = 0  # the items before it have been served

    def __len__(self) -> int:
        return len(self._items) - self._head

    def append(self, item: T) -> None:
        self._items.append(item)

    def insort(self, item: T, key: Callable[[T], SupportsRichComparison]) -> None:
        """Insert ``item`` among the waiting items, which are in order of ``key``, after those with an equal key."""
        insort(self._items, item, lo=self._head, key=key)

    def first(self) -> T:
        """The next item out (the queue must not be empty)."""
        return self._items[self._head]

    def last(self) -> T:
        """The last item in (the queue must not be empty)."""
        return self._items[-1]

    def popleft(self) -> T | None:
        """The next item out, removed; None when the queue is empty."""
        head, items = self._head, self._items
        if head == len(items):
            return None
        item = items[head]
        head += 1
        if head == len(items):
            items.clear()
            head = 0
        elif head >= 1024 and 2 * head >= len(items):  # a lasting backlog: drop what was served
            del items[:head]
            head = 0
        self._head = head
        return item
