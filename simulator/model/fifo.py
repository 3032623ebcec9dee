"""First in, first out, in a list read from a head index: the waitlist's queues and the admin pool's queue.

Compiled, ``deque.append`` and ``popleft`` are generic method calls into Python's C API; a list's append and index
are direct. The served front of the list is dropped when the queue empties, or once it is long, so a queue holds
what waits, not everything that ever did.
"""

from __future__ import annotations

from typing import Generic, TypeVar

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
