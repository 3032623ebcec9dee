"""Free caseload slots: which clinician the next waiting client goes to.

The rule (model spec): the clinician with the most free slots, the first hired among equals. Asking every clinician
each time a client is assigned costs a pass over the roster per client, which grows with the square of the agency's
size; instead each clinician's free slots are listed here whenever they change (a client assigned or leaving,
notice given, a new hire's ramp, a policy), in buckets by number of free slots, each bucket in order of hire.
"""

from __future__ import annotations

from bisect import bisect_left, insort

__all__ = ["SlotBoard"]


class SlotBoard:
    __slots__ = ("_buckets", "_listed", "_top")

    def __init__(self) -> None:
        self._buckets: list[list[int]] = [[]]  # clinician ids with i free slots at index i (sorted), i >= 1
        self._listed: dict[int, int] = {}  # clinician id -> the free slots it is listed under (absent: none)
        self._top = 0  # no bucket above it holds anyone

    def set(self, clinician: int, free: int) -> None:
        """Record that ``clinician`` (an id, ids in order of hire) has ``free`` slots now."""
        listed = self._listed.get(clinician, 0)
        if listed == free:
            return
        if listed > 0:
            bucket = self._buckets[listed]
            del bucket[bisect_left(bucket, clinician)]
        if free > 0:
            while len(self._buckets) <= free:
                self._buckets.append([])
            insort(self._buckets[free], clinician)
            self._listed[clinician] = free
            self._top = max(self._top, free)
        else:
            self._listed.pop(clinician, None)

    def best(self) -> int:
        """The clinician with the most free slots, the first hired among equals; -1 when nobody has a free slot."""
        buckets = self._buckets
        while self._top > 0:
            bucket = buckets[self._top]
            if bucket:
                return bucket[0]
            self._top -= 1
        return -1

    def free(self, clinician: int) -> int:
        """The free slots ``clinician`` is listed with."""
        return self._listed.get(clinician, 0)
