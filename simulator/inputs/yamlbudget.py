"""How big a YAML document is once its aliases are expanded, counted from the parser's events before any tree exists.

An alias bomb is small as text and huge as data: ``&a2 [*a1, *a1, ...]`` repeats what ``&a1`` stands for, which
repeats ``&a0``. Counting the values a walk of the composed tree visits stops the bomb but only knows where the
walk happened to be; counting events knows more. Each anchor's size (values) and depth are recorded when its
collection ends, so an alias adds its anchor's size at once, and the value that takes the document over the
budget is pinned to its own line: the alias responsible, or, with no alias involved, the value that is one too
many. The messages say which of the two happened (too many values, too deep, an alias that contains itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from simulator.inputs.errors import ScenarioError

__all__ = ["Budget"]


@dataclass
class _Open:
    """A collection being read: where it started, how deep, and whether its next node is a mapping key."""

    anchor: str | None
    start_total: int
    depth: int
    is_mapping: bool
    position: int = 0
    deepest: int = 0


@dataclass
class Budget:
    """Feed it the events of one document (``see``); it raises ``ScenarioError`` past ``values`` or ``depth``."""

    file: str
    path: str  # the field problems are reported under; "" names the top-level key being read
    values: int
    depth: int
    total: int = 0
    top_key: str = ""
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # anchor -> (values, levels of nesting)
    stack: list[_Open] = field(default_factory=list)
    muted: int | None = None  # inside the value of a merge key ('<<') of the mapping this deep

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self._node(event, 0 if self._is_key() else 1, 0)
            if self._is_key() and event.value == "<<" and event.style in (None, ""):
                # a merge key: refused later with its own message, so what it would merge is not counted
                self.muted = len(self.stack)
            if len(self.stack) == 1 and self._is_key():
                self.top_key = str(event.value)
            self._done()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
            self._done()
        elif isinstance(event, yaml.CollectionStartEvent):
            self._node(event, 0 if self._is_key() else 1, 0)
            self.stack.append(_Open(event.anchor, self.total, len(self.stack) + 1,
                                    isinstance(event, yaml.MappingStartEvent)))
        elif isinstance(event, yaml.CollectionEndEvent) and self.stack:
            closed = self.stack.pop()
            if closed.anchor is not None:
                self.sizes[closed.anchor] = (self.total - closed.start_total + 1, closed.deepest + 1)
            self._deepen(closed.deepest + 1)
            self._done()

    def _is_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_mapping and self.stack[-1].position % 2 == 0

    def _done(self) -> None:
        if self.stack:
            self.stack[-1].position += 1
            if self.muted == len(self.stack) and self.stack[-1].position % 2 == 0:
                self.muted = None  # the merge key's value is complete

    def _deepen(self, depth: int) -> None:
        if self.stack:
            self.stack[-1].deepest = max(self.stack[-1].deepest, depth)

    def _node(self, event: yaml.Event, values: int, depth: int) -> None:
        self.total += 0 if self.muted else values
        if self.total > self.values:
            self._refuse(event, f"the document holds more than {self.values:,} values (a scenario has a few "
                                "hundred); is a list far longer than meant?")
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.ScalarEvent) and anchor is not None:
            self.sizes[anchor] = (values, depth)

    def _alias(self, event: yaml.AliasEvent) -> None:
        name = str(event.anchor)
        if any(entry.anchor == name for entry in self.stack):
            self._refuse(event, f"the alias '*{name}' is inside the collection '&{name}' it names, so it repeats "
                                "itself without end")
        if name not in self.sizes:
            return  # an undefined alias: the YAML library reports it with its own words
        size, depth = self.sizes[name]
        if self._is_key() or self.muted:
            return  # a key is not a value (and a collection as a key is refused later, in its own words)
        if len(self.stack) + depth > self.depth:
            self._refuse(event, f"the alias '*{name}' stands for {depth} levels of nesting and sits {len(self.stack)} "
                                f"levels deep here, taking the document past {self.depth} levels")
        if self.total + size > self.values:
            self._refuse(event, f"the alias '*{name}' repeats the {size:,} values of '&{name}', taking the "
                                f"document past {self.values:,} values; aliases may not expand a file that much")
        self.total += size
        self._deepen(depth)

    def _refuse(self, event: yaml.Event, message: str) -> None:
        raise ScenarioError.single(self.file, _line(event), self.path or self.top_key, message)


def _line(event: yaml.Event) -> int | None:
    return int(event.start_mark.line) + 1 if event.start_mark is not None else None
