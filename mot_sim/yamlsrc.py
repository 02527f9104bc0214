"""Safe YAML loading that remembers where every value came from.

Trainer-written files are untrusted: only the safe constructors run, anchors and aliases
are refused (no billion-laughs), duplicate keys are refused (PyYAML would silently keep
the last one), and files over 1 MiB are rejected before they are parsed. Every value's
position is kept so later validation can report ``PATH:LINE:COL``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mot_sim.errors import InputError, Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000  # values in one file; the shipped files have a few thousand
MAX_INT_DIGITS = 18  # every integer a file needs is small; 5,000 digits is an attack
_PLAIN = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed document plus the (line, col) of each value, keyed by its path."""

    path: str
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Best position for ``loc``: the deepest known ancestor (unknown parts skipped)."""
        best = self.marks.get((), (1, 1))
        prefix: Loc = ()
        for part in loc:
            candidate = (*prefix, part)
            if candidate in self.marks:
                prefix = candidate
                best = self.marks[candidate]
        return best

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.path, line, col, message)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases, and too many values, while composing."""

    nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.nodes += 1
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if self.nodes > MAX_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"more than {MAX_NODES:,} values in one file", event.start_mark
            )
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases are not allowed in mot-sim files",
                event.start_mark,  # type: ignore[arg-type]
            )
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors (&name) are not allowed in mot-sim files",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


# libyaml composes ~14x faster than the pure-Python parser. It cannot refuse anchors as
# it meets them, so it is used only on text with no "&" or "*" at all (then there can be
# no anchor or alias); anything else, and any file libyaml rejects, takes the pure path,
# which words every problem the same way.
_CLoader: Any = getattr(yaml, "CSafeLoader", None)


def _fast(text: str, path: str) -> Located | None:
    if _CLoader is None or "&" in text or "*" in text:
        return None
    # libyaml composes a whole file before we can count its values; a file that could hold
    # more than MAX_NODES (each needs a comma or a line) goes to the pure parser, which
    # stops counting at the limit.
    if text.count(",") + text.count("\n") > MAX_NODES // 4:
        return None
    try:
        loader = _CLoader(text)
    except yaml.YAMLError:
        return None
    try:
        return _compose(loader, path)
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def _compose(loader: Any, path: str) -> Located:
    """Compose the document and construct its values, remembering every position."""
    node = loader.get_single_node()
    located = Located(path, None)
    if node is not None:
        located.data = _construct(loader, node, (), located, 0)
    return located


def load_text(text: str, path: str) -> Located:
    """Parse one YAML document from ``text``; raise :class:`InputError` on any problem."""
    fast = _fast(text, path)
    if fast is not None:
        return fast
    try:
        loader = _StrictLoader(text)
        try:
            return _compose(loader, path)
        finally:
            loader.dispose()
    except InputError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        raise InputError([Problem(path, line, col, f"YAML syntax: {message}")]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise InputError([Problem(path, line, col, f"YAML: {exc.reason}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(path, 1, 1, f"YAML: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(path, 1, 1, "YAML nesting is too deep")]) from None


def open_regular(path: Path) -> int:
    """A file descriptor for ``path`` if it is a regular file, opened without blocking (a
    FIFO would block ``open`` forever; a device such as /dev/zero never ends)."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError([Problem(name, 1, 1, "not a regular file")])
    return fd


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing more than ``limit`` whatever its size claims.

    A FIFO would block ``open`` forever and a symlink to /dev/zero reports size 0 and never
    ends, so the file is opened without blocking, must be a regular file, and is read only
    up to the limit."""
    name = str(path)
    with os.fdopen(open_regular(path), "rb") as fh:
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise InputError([Problem(name, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > limit:
        raise InputError([Problem(name, 1, 1, f"file is larger than the limit, {limit:,} bytes")])
    return raw


def load_file(path: Path) -> Located:
    """Read and parse ``path`` with the size bound and UTF-8 check applied first."""
    name = str(path)
    raw = read_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        raise InputError([Problem(name, line, col, "file is not UTF-8 text")]) from None
    return load_text(text, name)


def _scalar(loader: Any, node: ScalarNode, loc: Loc, out: Located) -> Any:
    """A scalar as plain YAML types it. Explicit tags (``!!timestamp``, ``!!int x``) are
    refused: the files need text, numbers and true/false, and PyYAML's constructors crash
    on odd input to them. Integers are bounded before conversion."""
    plain = not node.style  # None (pure parser) or "" (libyaml) for a plain scalar
    implicit = loader.resolve(ScalarNode, node.value, (plain, not plain))
    if node.tag != implicit or node.tag not in _PLAIN:
        raise InputError([out.problem(loc, f"explicit tags are not allowed ({node.tag})")])
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # a date in a title is text, not a datetime
    if node.tag == "tag:yaml.org,2002:int":
        digits = node.value.lstrip("+-").replace("_", "")
        if len(digits) > MAX_INT_DIGITS:
            raise InputError([out.problem(loc, f"number {node.value[:12]}... is too large")])
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, AttributeError, IndexError, OverflowError):
        raise InputError([out.problem(loc, f"not a valid value: {node.value[:40]!r}")]) from None


def _construct(loader: Any, node: Node, loc: Loc, out: Located, depth: int) -> Any:
    out.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH:
        raise InputError([out.problem(loc, "nesting is too deep")])
    if len(out.marks) > 2 * MAX_NODES:
        raise InputError([out.problem(loc, f"more than {MAX_NODES:,} values in one file")])
    if isinstance(node, ScalarNode):
        return _scalar(loader, node, loc, out)
    if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
        raise InputError([out.problem(loc, f"explicit tags are not allowed ({node.tag})")])
    if isinstance(node, SequenceNode):
        return [
            _construct(loader, child, (*loc, i), out, depth + 1)
            for i, child in enumerate(node.value)
        ]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            out.marks[(*loc, "<key>")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            if not isinstance(key_node, ScalarNode):
                raise InputError([out.problem((*loc, "<key>"), "mapping keys must be plain text")])
            # Keys stay as written: YAML 1.1 would turn a stage key "no" or "on" into a bool.
            key = str(key_node.value)
            if key in result:
                raise InputError([out.problem((*loc, "<key>"), f"duplicate key {key!r}")])
            result[key] = _construct(loader, value_node, (*loc, key), out, depth + 1)
            # Point a mapping entry at its key: "unknown key" and "wrong type" read best there.
            out.marks[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        out.marks.pop((*loc, "<key>"), None)
        return result
    raise InputError([out.problem(loc, "unsupported YAML node")])  # pragma: no cover


def iter_yaml_files(directory: Path) -> Iterator[Path]:
    """The ``*.yaml``/``*.yml`` files of a directory, in a stable order. Anything that is not
    a regular file (a FIFO, a device) is still listed, so loading it reports it, located."""
    yield from sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})
