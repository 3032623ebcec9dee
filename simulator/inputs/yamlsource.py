"""YAML text to plain values, remembering the file and line where every key was written.

``yaml.safe_load`` forgets where values came from and quietly keeps the last of two duplicate keys, so a typo in
a scenario file could never be pointed at. Here PyYAML only composes the node tree (which carries line marks);
this module walks it, building dicts, lists and scalars (scalars through PyYAML's ``SafeConstructor``, so no
Python objects can be created) and recording ``dotted.path -> (file, line)`` for each key. Every problem becomes
a ``Problem``, never a traceback: bad bytes, syntax errors, duplicate or merge keys, and documents that expand
past a size budget (an "alias bomb" of nested anchors is tiny as text and huge as data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.yamlbudget import Budget

__all__ = ["MAX_CHARS", "MAX_DEPTH", "MAX_NODES", "Document", "Location", "read_value", "read_yaml"]

Location = tuple[str, int | None]

MAX_CHARS = 1_000_000  # a real scenario is a few kilobytes
MAX_NODES = 10_000  # values after expanding aliases; a full scenario has a few hundred
MAX_DEPTH = 64
MAX_SCALAR_CHARS = 400  # no number in a scenario needs more digits than this

# libyaml is much faster when installed; both loaders compose the same nodes and use the same safe resolver.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Document:
    """A parsed scenario file: its top-level mapping and where each dotted path's key was written."""

    data: dict[str, Any]
    where: dict[str, Location]


def read_yaml(source: str | bytes, file: str) -> Document:
    """Parse one scenario document; raise ``ScenarioError`` listing every problem found."""
    root = _compose(_decode(source, file, ""), file, "")
    if root is None:
        raise ScenarioError.single(file, None, "", "the file is empty; a scenario needs at least 'name: ...'")
    if not isinstance(root, yaml.MappingNode):
        raise ScenarioError.single(file, _line(root), "", "a scenario must be a mapping of keys such as "
                                   f"'name: baseline', not {_kind(root)}")
    walker = _Walker(file)
    data = walker.value(root, "", 0)
    if walker.problems:
        raise ScenarioError(walker.problems)
    return Document(data, walker.where)


def read_value(text: str, file: str, field: str) -> Any:
    """Parse a YAML value such as ``20``, ``null`` or ``{mean: 20, sd: 5}``; empty text is ``None``."""
    root = _compose(_decode(text, file, field), file, field)
    if root is None:
        return None
    walker = _Walker(file)
    value = walker.value(root, field, 0)
    if walker.problems:
        raise ScenarioError(walker.problems)
    return value


def _decode(source: str | bytes, file: str, field: str) -> str:
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
        text.encode("utf-8")  # a str caller may hold lone surrogates, which libyaml cannot take
    except (UnicodeDecodeError, UnicodeEncodeError) as error:
        before = source[: error.start]
        line = 1 + (before.count(b"\n") if isinstance(before, bytes) else before.count("\n"))
        raise ScenarioError.single(file, line, field, f"not valid UTF-8 text (bad byte at offset {error.start}); "
                                   "save the file as UTF-8") from None
    if len(text) > MAX_CHARS:
        raise ScenarioError.single(file, None, field, f"too long ({len(text):,} characters; the limit is "
                                   f"{MAX_CHARS:,})")
    return text


def _compose(text: str, file: str, field: str) -> yaml.Node | None:
    """The node tree of the single document in ``text``, after a cheap event scan for depth and extra documents.

    The scan runs first because PyYAML's composer recurses once per nesting level: ten thousand ``[`` would
    exhaust Python's stack before any of our checks saw a node.
    """
    try:
        _scan(text, file, field)
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        _rescan_own_limits(text, file, field)
        mark = error.problem_mark or error.context_mark
        context = error.context
        if context and error.context_mark and error.context_mark is not mark:
            context += f" (opened at line {_mark_line(error.context_mark)})"  # "while parsing a flow sequence"
        reason = ", ".join(part for part in (context, error.problem) if part)
        raise ScenarioError.single(file, mark.line + 1 if mark else None, field,
                                   f"YAML syntax error: {reason}") from None
    except yaml.reader.ReaderError as error:  # a forbidden character: a position but no mark
        line = text[: error.position].count("\n") + 1
        code = ord(error.character) if isinstance(error.character, str) else error.character
        raise ScenarioError.single(file, line, field, f"the character #x{code:04x} is not allowed in YAML "
                                   f"({error.reason})") from None
    except yaml.YAMLError as error:
        raise ScenarioError.single(file, None, field, f"YAML error: {error}") from None


def _rescan_own_limits(text: str, file: str, field: str) -> None:
    """After the YAML library refused a document, check it against the project's own limits first.

    libyaml may stop a document for its own reasons before ``_scan`` sees our limit (PyYAML 6.0.4 refuses deep
    nesting in its scanner, which reads a whole flow collection ahead); the pure-Python parser has no such limit,
    so it finds where the document first breaks ours and that answer wins. It stops there, or at the library's
    error, so it reads no further than the fast scan did.
    """
    try:
        _scan(text, file, field, loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the document is broken before any limit of ours: the library's error stands


def _scan(text: str, file: str, field: str, *, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = _LOADER
          ) -> None:
    depth = documents = 0
    budget = Budget(file, field, MAX_NODES, MAX_DEPTH)
    for event in yaml.parse(text, Loader=loader):
        budget.see(event)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError.single(file, _mark_line(event.start_mark), field,
                                           f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ScenarioError.single(file, _mark_line(event.start_mark), field, "a second YAML document "
                                           "starts here ('---'); a file holds exactly one scenario")


class _Walker:
    """Builds plain values from nodes, collecting problems and the line of every key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes = 0
        self.where: dict[str, Location] = {}
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()

    def value(self, node: yaml.Node, path: str, depth: int) -> Any:
        # Counted per visit, not per node: an alias is walked again each time it is used, which is exactly
        # the expansion a bomb relies on.
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            # Named by its top-level key: the path inside a runaway expansion is noise.
            # A backstop: the event scan (yamlbudget) refuses such documents first, at the line responsible.
            raise ScenarioError.single(self.file, _line(node), path.split(".")[0], f"the document expands to more than "
                                       f"{MAX_NODES:,} values or {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_MAP_TAG, _SEQ_TAG):
            self.problem(node, path, f"the tag '{node.tag}' is not supported here")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        return [self.item(child, f"{path}.{index}" if path else str(index), depth)
                for index, child in enumerate(node.value)]

    def item(self, node: yaml.Node, path: str, depth: int) -> Any:
        self.where[path] = (self.file, _line(node))
        return self.value(node, path, depth + 1)

    def mapping(self, node: yaml.MappingNode, path: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            child, line = f"{path}.{key}" if path else key, _line(key_node)
            if key in first:
                self.problem(key_node, child, f"duplicate key '{key}' (first at line {first[key]})")
                continue
            first[key] = line
            self.where[child] = (self.file, line)
            result[key] = self.value(value_node, child, depth + 1)
        return result

    def key(self, node: yaml.Node, path: str) -> str | None:
        if node.tag == _MERGE_TAG:
            field = f"{path}.<<" if path else "<<"
            self.problem(node, field, "YAML merge keys ('<<') are not supported; write the values out or put "
                         "the shared ones in a file used with 'extends:'")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, f"a key must be a plain name, not {_kind(node)}")
            return None
        shown = f"{path}.{node.value}" if path else str(node.value)
        before = len(self.problems)
        key = self.scalar(node, shown)
        if len(self.problems) > before:  # already reported as an unreadable value
            return None
        if not isinstance(key, str):
            self.problem(node, shown, f"the key '{node.value}' is read as {_kind(node)}; a key must be text, "
                         "so put it in quotes")
            return None
        return key

    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        if len(node.value) > MAX_SCALAR_CHARS and node.tag.endswith((":int", ":float")):
            # Python refuses to convert integers of more than 4300 digits; say so in the reader's terms
            self.problem(node, path, f"a number of {len(node.value):,} characters is far outside any allowed "
                                     "range")
            return None
        try:
            return self.constructor.construct_object(node)
        except yaml.MarkedYAMLError as error:
            self.problem(node, path, f"cannot read this value: {error.problem}")
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            # The safe constructors raise plain ValueError for some inputs, e.g. the date 2024-13-45.
            self.problem(node, path, f"cannot read this value: {error}")
        return None

    def problem(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, _line(node), path, message))


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mark_line(mark: Any) -> int | None:
    return int(mark.line) + 1 if mark is not None else None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    name = str(node.tag).rsplit(":", 1)[-1]
    return {"null": "null (empty)", "bool": "true/false", "int": "a number", "float": "a number",
            "str": "plain text"}.get(
        name, f"a {name} value")
