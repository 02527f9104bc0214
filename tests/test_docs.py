"""The docs name tests as proof of their guarantees: every one must exist."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_every_test_named_in_security_md_exists() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(test_[a-z0-9_]+)\b", text)) - {
        p.stem for p in (ROOT / "tests").glob("test_*.py")
    }
    assert len(named) >= 30
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py"))
    missing = sorted(n for n in named if f"def {n}(" not in source)
    assert missing == []
