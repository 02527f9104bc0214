"""The safe loader: refuses what trainers' files must never do, and says where."""

from pathlib import Path

import pytest

from mot_sim.errors import InputError
from mot_sim.yamlsrc import MAX_BYTES, Located, load_file, load_text
from tests.conftest import ROOT


def problem(text: str) -> str:
    with pytest.raises(InputError) as exc:
        load_text(text, "f.yaml")
    assert len(exc.value.problems) == 1
    return str(exc.value.problems[0])


def test_positions_point_at_keys_and_items() -> None:
    doc = load_text("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.where(("b", 1, "c")) == (4, 6)
    assert doc.where(("b", 1, "missing")) == (4, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x 1\nb: *x\n", "f.yaml:1:4: YAML syntax: anchors"),
        ("a: [1]\nb: *x\n", "f.yaml:2:4: YAML syntax:"),
        ("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a'"),
        ("a: [1,\n", "f.yaml:2:1: YAML syntax:"),
        ("a: !!python/object:os.system x\n", "f.yaml:1:4: explicit tags are not allowed"),
        ("x: \x07\n", "f.yaml:1:4: YAML:"),
        ("[" * 200 + "]" * 200, "f.yaml:1:"),
    ],
)
def test_refused_input_is_located(text: str, expected: str) -> None:
    assert problem(text).startswith(expected)


def test_billion_laughs_is_refused_before_expansion() -> None:
    text = 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    assert "anchors" in problem(text)


def test_size_limit_and_encoding(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="larger than the limit, 1,048,576 bytes"):
        load_file(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(InputError, match=r"latin.yaml:1:\d+: file is not UTF-8"):
        load_file(latin)
    with pytest.raises(InputError, match="cannot read file"):
        load_file(tmp_path / "missing.yaml")


def test_fast_and_pure_parsers_agree_on_values_and_positions() -> None:
    """libyaml is used where it can be; it must report exactly what the pure parser does."""
    from mot_sim.yamlsrc import _construct, _fast, _StrictLoader

    files = [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scoring/**/*.yaml")]
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = _fast(text, str(path))
        assert fast is not None, f"{path}: libyaml not used"
        loader = _StrictLoader(text)
        pure = Located(str(path), None)
        pure.data = _construct(loader, loader.get_single_node(), (), pure, 0)
        loader.dispose()
        assert fast.data == pure.data, path
        assert fast.marks == pure.marks, path
    # Text that could hold an anchor never takes the fast path.
    assert _fast("a: &x 1\nb: *x\n", "f.yaml") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mood_start: " + "9" * 5000 + "\n", "f.yaml:1:13: number 999999999999... is too large"),
        ("difficulty: !!timestamp easy\n", "f.yaml:1:13: explicit tags are not allowed"),
        ("mood_start: !!float\n", "f.yaml:1:13: explicit tags are not allowed"),
        ("mood_start: !!int easy\n", "f.yaml:1:13: explicit tags are not allowed"),
        ("a: [1, !!set {x}]\n", "f.yaml:1:8: explicit tags are not allowed"),
        ("a: !!binary aGk=\n", "f.yaml:1:4: explicit tags are not allowed"),
        ("# *\na: !!int x\n", "f.yaml:2:4: explicit tags are not allowed"),  # pure parser too
    ],
)
def test_hostile_scalars_are_refused_not_crashed_on(text: str, message: str) -> None:
    assert problem(text).startswith(message)


def test_plain_values_keep_their_types_and_dates_stay_text() -> None:
    doc = load_text('a: 2026-01-01\nb: "007"\nc: 12\nd: 1.5\ne: true\nf: ~\n', "f.yaml")
    assert doc.data == {"a": "2026-01-01", "b": "007", "c": 12, "d": 1.5, "e": True, "f": None}


def test_only_regular_files_are_read_and_only_up_to_the_limit(tmp_path: Path) -> None:
    import os

    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")  # reports size 0 and never ends
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # would block open() forever
    for path in (zero, fifo):
        with pytest.raises(InputError, match="not a regular file"):
            load_file(path)


def test_too_many_values_are_refused_quickly(tmp_path: Path) -> None:
    import time

    for prefix in ("", "# * forces the pure parser\n"):
        path = tmp_path / "many.yaml"
        path.write_text(prefix + "a: [" + ",".join(["1"] * 500_000) + "]\n")
        start = time.perf_counter()
        with pytest.raises(InputError, match="more than 50,000 values"):
            load_file(path)
        # Refused at the limit, not after composing 500,000 values (26 s before); the time
        # is printed, not asserted (shared machines are noisy).
        print(f"refused in {time.perf_counter() - start:.2f} s")
