"""Control sequences out of untrusted text: its own module, so that what only cleans text
(settings, the UI's service) does not compile the tokeniser's Unicode classes at start-up."""

from __future__ import annotations

import re

_CONTROL_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences (titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC strings
    r"|\x1b[@-Z\\-_]?"  # other escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """Strip terminal control sequences and invisible direction overrides; keep newlines
    and tabs. Everything the trainee typed is shown only after this."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
