"""Customer lines are Jinja2 templates ({{ trainee }}, {{ customer }}), rendered in a
sandbox with strict undefined names so a typo in a scenario is caught by validation."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

# Output is plain text shown through Textual's Content (never markup), so no HTML escaping.
_ENV = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
SAMPLE = {"trainee": "Sam", "customer": "Ms Example", "customer_first": "Example"}


@lru_cache(maxsize=4096)
def _compile(source: str):  # type: ignore[no-untyped-def]
    return _ENV.from_string(source)


def render(source: str, trainee: str, customer: str) -> str:
    """Render one customer line for this trainee and customer."""
    if "{" not in source:
        return source
    first = customer.split()[-1] if customer.split() else customer
    return str(
        _compile(source).render(trainee=trainee or "there", customer=customer, customer_first=first)
    )


def check(source: str) -> str | None:
    """None if ``source`` renders with the sample names, else the error message."""
    try:
        _compile(source).render(**SAMPLE)
    except TemplateError as exc:
        return f"template error: {exc.message or exc}"
    return None
