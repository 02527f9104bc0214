"""Loading and validating the rule library, the rubric and scenarios.

Every problem becomes a located :class:`~mot_sim.errors.Problem`; nothing here raises
anything but :class:`~mot_sim.errors.InputError` for bad input.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from mot_sim import locations, templating
from mot_sim.errors import InputError, Problem, UnknownIdError
from mot_sim.learned import LearnedModel, load_model
from mot_sim.lexicon import locale_words, unknown_concepts
from mot_sim.matching.matcher import LocaleWords
from mot_sim.models import LexiconFile, LocaleLexicon, Rubric, Rule, RuleFile, Scenario
from mot_sim.stages import STAGE_IDS
from mot_sim.yamlsrc import Located, iter_yaml_files, load_file

M = TypeVar("M", bound=BaseModel)


def _describe(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("function-", "str")))
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {str(err['loc'][-1])!r}"
    if kind == "missing":
        return f"missing required key {loc!r}"
    if kind == "too_short" and "min_length" in err.get("ctx", {}):
        have = err["ctx"].get("actual_length", len(err.get("input") or []))
        return f"{loc}: needs at least {err['ctx']['min_length']}, has {have}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _model_at(model: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that holds the mapping at ``loc`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str):
                return None
            field = current.model_fields.get(part) or next(
                (f for f in current.model_fields.values() if f.alias == part), None
            )
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple, dict):
            args = get_args(current)
            current = args[-1] if args else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    """Optional[X] / Annotated[X, ...] -> X, so the walk sees the model inside."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, UnionType):
            inner = [a for a in get_args(tp) if a is not type(None)]
            models = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else inner[0] if len(inner) == 1 else None
        else:
            return tp


def _near(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest choice, or ''."""
    near = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def validate_model(model: type[M], doc: Located) -> M:
    """Validate ``doc`` against ``model``; located problems on failure."""
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "expected a mapping of keys at the top level")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[str] = set()
        for err in exc.errors():
            message = _describe(err)
            if err["type"] == "extra_forbidden":
                parent = _model_at(model, tuple(err["loc"][:-1]))
                if parent is not None:
                    names = {f.alias or n for n, f in parent.model_fields.items()}
                    message += _near(str(err["loc"][-1]), names)
            # A union of pattern forms reports once per form; one message per place is enough.
            p = doc.problem(tuple(err["loc"]), message)
            if str(p) not in seen:
                seen.add(str(p))
                problems.append(p)
        raise InputError(problems) from None


def _fingerprint(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class Library:
    """The shared phrase rules, the lexicon and the rubric, as loaded."""

    rules: list[Rule]
    rubric: Rubric
    fingerprint: str
    lexicon: dict[str, LocaleLexicon] = field(default_factory=dict)
    words: dict[str, LocaleWords] = field(default_factory=dict)
    by_id: dict[str, Rule] = field(default_factory=dict)
    sources: dict[str, tuple[Path, int]] = field(default_factory=dict)  # id -> file, index
    models: dict[str, LearnedModel] = field(default_factory=dict)  # locale -> learned model

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.rules}

    def concepts(self, locale: str | None) -> frozenset[str]:
        lx = self.lexicon.get(locale or "en")
        return frozenset(lx.concepts) if lx else frozenset()


def rule_problems(
    doc: Located, where: tuple[Any, ...], rule: Rule, known_ids: set[str], concepts: frozenset[str]
) -> list[Problem]:
    """Checks of one rule that need the lexicon or the other rules."""
    problems: list[Problem] = []
    for key in ("patterns", "unless", "unless_reply", "requires"):
        for k, pattern in enumerate(getattr(rule, key)):
            for name in unknown_concepts(pattern, concepts):
                near = difflib.get_close_matches(name, sorted(concepts), n=1)
                hint = f" (did you mean @{near[0]}?)" if near else ""
                problems.append(
                    doc.problem((*where, key, k), f"unknown concept @{name} in {pattern!r}{hint}")
                )
    for k, other in enumerate(rule.overrides):
        if other not in known_ids:
            problems.append(
                doc.problem(
                    (*where, "overrides", k), f"unknown rule id {other!r}{_near(other, known_ids)}"
                )
            )
    return problems


def load_lexicon(path: Path) -> tuple[dict[str, LocaleLexicon], dict[str, LocaleWords]]:
    """Load and check ``lexicon.yaml``."""
    doc = load_file(path)
    lf = validate_model(LexiconFile, doc)
    words: dict[str, LocaleWords] = {}
    problems: list[Problem] = []
    for locale, lx in lf.locales.items():
        words[locale], found = locale_words(locale, lx)
        problems += [doc.problem(where, msg) for where, msg in found]
    if problems:
        raise InputError(problems)
    return dict(lf.locales), words


def load_library(directory: Path | None = None, *, learned: bool = True) -> Library:
    """Load ``rubric.yaml``, every ``rules/*.yaml`` and the ``learned/*.json`` models under
    the scoring directory (``learned=False``: not the models, for ``mot-sim learn``,
    which makes them)."""
    directory = directory or locations.scoring_dir()
    problems: list[Problem] = []
    rules: list[Rule] = []
    placed: list[tuple[Located, tuple[Any, ...], Rule]] = []
    seen: dict[str, str] = {}
    rule_files = (
        list(iter_yaml_files(directory / "rules")) if (directory / "rules").is_dir() else []
    )
    for path in rule_files:
        try:
            doc = load_file(path)
            rf = validate_model(RuleFile, doc)
        except InputError as exc:
            problems += exc.problems
            continue
        for i, rule in enumerate(rf.rules):
            if rule.id in seen:
                problems.append(
                    doc.problem(
                        ("rules", i, "id"),
                        f"rule id {rule.id!r} already defined in {seen[rule.id]}",
                    )
                )
                continue
            seen[rule.id] = path.name
            if rf.locale and rule.locale is None:
                rule = rule.model_copy(update={"locale": rf.locale})
            rules.append(rule)
            placed.append((doc, ("rules", i), rule))
    rubric: Rubric | None = None
    rubric_path = directory / "rubric.yaml"
    lexicon_path = directory / "lexicon.yaml"
    try:
        rubric = validate_model(Rubric, load_file(rubric_path))
    except InputError as exc:
        problems += exc.problems
    lexicon: dict[str, LocaleLexicon] = {}
    words: dict[str, LocaleWords] = {}
    try:
        lexicon, words = load_lexicon(lexicon_path)
    except InputError as exc:
        problems += exc.problems
    if not rule_files:
        problems.append(Problem(str(directory / "rules"), 1, 1, "no rule files found"))
    models: dict[str, LearnedModel] = {}
    model_files = sorted((directory / "learned").glob("*.json")) if learned else []
    for path in model_files:
        try:
            models[path.stem] = load_model(path)
        except InputError as exc:
            problems += exc.problems
    for doc, where, rule in placed:
        locale = rule.locale or "en"
        if learned and rule.learned and locale not in models:
            problems.append(
                doc.problem(
                    (*where, "learned"),
                    f"no learned model for locale {locale!r} "
                    f"(scoring/learned/{locale}.json; make one with mot-sim learn)",
                )
            )
    if problems or rubric is None:
        raise InputError(problems)
    lib = Library(
        rules,
        rubric,
        _fingerprint([rubric_path, lexicon_path, *rule_files, *model_files]),
        lexicon,
        words,
        models=models,
    )
    for doc, where, rule in placed:
        problems += rule_problems(doc, where, rule, set(seen), lib.concepts(rule.locale))
        lib.sources[rule.id] = (Path(doc.path), where[1])
    if problems:
        raise InputError(problems)
    return lib


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    fingerprint: str


def _semantic(doc: Located, sc: Scenario, library: Library) -> list[Problem]:
    """Checks that need the rule library or templates: unknown ids, clashes, bad templates."""
    problems: list[Problem] = []
    known = set(library.by_id)
    own: set[str] = set()
    for i, rule in enumerate(sc.rules):
        if rule.id in known or rule.id in own:
            problems.append(
                doc.problem(("rules", i, "id"), f"rule id {rule.id!r} is already defined")
            )
        own.add(rule.id)
    for sid in STAGE_IDS:
        stage = sc.stage(sid)
        for i, rule in enumerate(stage.rules):
            if rule.id in known or rule.id in own:
                problems.append(
                    doc.problem(
                        ("stages", sid, "rules", i, "id"), f"rule id {rule.id!r} is already defined"
                    )
                )
            own.add(rule.id)
    all_ids = known | own
    if sc.locale not in library.lexicon:
        problems.append(doc.problem(("locale",), f"no lexicon for locale {sc.locale!r}"))
    placed = [(("rules", i), r) for i, r in enumerate(sc.rules)] + [
        (("stages", sid, "rules", i), r)
        for sid in STAGE_IDS
        for i, r in enumerate(sc.stage(sid).rules)
    ]
    for where, rule in placed:
        problems += rule_problems(doc, where, rule, all_ids, library.concepts(sc.locale))

    return problems


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _references(doc: Located, library: Library) -> list[Problem]:
    """Rule ids and templates, checked on the raw file: they are reported in the same run
    as schema problems, not only once the schema is right."""
    data = _mapping(doc.data)
    problems: list[Problem] = []
    own = {r.get("id") for r in _items(data.get("rules")) if isinstance(r, dict)}
    for stage in _mapping(data.get("stages")).values():
        own |= {r.get("id") for r in _items(_mapping(stage).get("rules")) if isinstance(r, dict)}
    all_ids = set(library.by_id) | {i for i in own if isinstance(i, str)}

    def unknown(loc: tuple[Any, ...], rule_id: Any) -> None:
        if isinstance(rule_id, str) and rule_id not in all_ids:
            problems.append(
                doc.problem(loc, f"unknown rule id {rule_id!r}{_near(rule_id, all_ids)}")
            )

    def template(loc: tuple[Any, ...], text: Any, said: tuple[str, ...] = ()) -> None:
        err = templating.check(text, said) if isinstance(text, str) else None
        if err:
            problems.append(doc.problem(loc, err))

    stages = _mapping(data.get("stages"))

    def goal_ids(sid: Any) -> set[str]:
        goals = _items(_mapping(stages.get(sid)).get("goals"))
        return {str(g["id"]) for g in goals if isinstance(g, dict) and isinstance(g.get("id"), str)}

    def condition(loc: tuple[Any, ...], cond: Any, stage_id: Any) -> None:
        """Rule and goal ids a reaction or a branch depends on must exist (goals: in the
        stage whose reply it looks at)."""
        cond = _mapping(cond)
        unknown((*loc, "hit"), cond.get("hit"))
        goals = goal_ids(stage_id)
        for key in ("goal", "missed"):
            gid = cond.get(key)
            if isinstance(gid, str) and gid not in goals:
                problems.append(
                    doc.problem(
                        (*loc, key),
                        f"no goal {gid!r} in stage {stage_id}{_near(gid, goals)}",
                    )
                )

    customer = _mapping(data.get("customer"))
    for rid in _mapping(customer.get("sensitive_to")):
        unknown(("customer", "sensitive_to", rid), rid)
    template(("customer", "walk_out_line"), customer.get("walk_out_line"))
    for i, reply in enumerate(_items(customer.get("walk_out_when"))):
        cond = _mapping(_mapping(reply).get("when"))
        unknown(("customer", "walk_out_when", i, "when", "hit"), cond.get("hit"))
        hit = cond.get("hit")
        for j, text in enumerate(_items(_mapping(reply).get("say"))):
            template(
                ("customer", "walk_out_when", i, "say", j),
                text,
                (hit,) if isinstance(hit, str) else (),
            )
    order = list(STAGE_IDS)
    for sid, raw in stages.items():
        stage = _mapping(raw)
        reactions = _mapping(stage.get("reactions"))
        for i, reply in enumerate(_items(reactions.get("when"))):
            where = ("stages", sid, "reactions", "when", i)
            cond = _mapping(_mapping(reply).get("when"))
            condition((*where, "when"), cond, sid)
            hit = cond.get("hit")
            quotable = (hit,) if isinstance(hit, str) else ()
            for j, text in enumerate(_items(_mapping(reply).get("say"))):
                template((*where, "say", j), text, quotable)
        previous = order[order.index(sid) - 1] if sid in order and order.index(sid) else None
        for i, branch in enumerate(_items(stage.get("branches"))):
            at: tuple[Any, ...] = ("stages", sid, "branches", i)
            if previous is None:
                problems.append(doc.problem(at, f"{sid} has no previous stage to branch on"))
                continue
            condition((*at, "after"), _mapping(branch).get("after"), previous)
            for j, text in enumerate(_items(_mapping(branch).get("customer"))):
                template((*at, "customer", j), text)
        for i, rid in enumerate(_items(stage.get("exclude_rules"))):
            unknown(("stages", sid, "exclude_rules", i), rid)
        for i, goal in enumerate(_items(stage.get("goals"))):
            for j, rid in enumerate(_items(_mapping(goal).get("rules"))):
                unknown(("stages", sid, "goals", i, "rules", j), rid)
        for key in ("customer", "model_answers"):
            for i, text in enumerate(_items(stage.get(key))):
                template(("stages", sid, key, i), text)
        for outcome in ("good", "mixed", "poor"):
            for i, text in enumerate(_items(reactions.get(outcome))):
                template(("stages", sid, "reactions", outcome, i), text)
    for i, ex in enumerate(_items(data.get("examples"))):
        expect = _mapping(_mapping(ex).get("expect"))
        for key in ("hits", "not_hits"):
            for j, rid in enumerate(_items(expect.get(key))):
                unknown(("examples", i, "expect", key, j), rid)
    return problems


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in file order."""
    unique = {str(p): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.path, p.line, p.col))


def load_scenario(path: Path, library: Library) -> LoadedScenario:
    """Load and fully validate one scenario file: every problem in one run, in file order."""
    doc = load_file(path)
    try:
        sc = validate_model(Scenario, doc)
    except InputError as exc:
        raise InputError(_in_order(exc.problems + _references(doc, library))) from None
    problems = _semantic(doc, sc, library) + _references(doc, library)
    if problems:
        raise InputError(_in_order(problems))
    return LoadedScenario(sc, path, _fingerprint([path]))


def scenario_paths(extra_dirs: list[str] | None = None) -> list[Path]:
    """Scenario files: built-in first, then extra directories in the order given."""
    paths: list[Path] = []
    missing: list[Problem] = []
    named = {Path(d) for d in extra_dirs or []}
    for d in [locations.builtin_scenarios_dir(), *locations.extra_scenario_dirs(extra_dirs)]:
        if d.is_dir():
            paths += list(iter_yaml_files(d))
        elif d.exists():
            paths.append(d)
        elif d in named:  # a mistyped --scenarios must not look like an empty directory
            missing.append(Problem(str(d), 1, 1, "no such scenario directory or file"))
    if missing:
        raise InputError(missing)
    return paths


def _missing_env_dirs() -> list[Problem]:
    """MOT_SIM_SCENARIOS entries that do not exist: warned about, not fatal (the variable
    may be set for a whole site before every directory is there)."""
    return [
        Problem(str(d), 1, 1, "no such scenario directory (from MOT_SIM_SCENARIOS)")
        for d in locations.extra_scenario_dirs(None)
        if not d.exists()
    ]


@dataclass
class Catalog:
    """Every scenario found, plus the library they are scored against."""

    library: Library
    scenarios: dict[str, LoadedScenario]
    problems: list[Problem]

    def get(self, scenario_id: str) -> LoadedScenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            # The scenario may be in a file that failed to load: say which, and where.
            broken = [p for p in self.problems if Path(p.path).stem == scenario_id]
            if broken:
                raise InputError(broken) from None
            raise UnknownIdError(
                "scenario", scenario_id, sorted(self.scenarios), self.problems
            ) from None

    def fingerprint(self, scenario_id: str) -> str:
        """Content hash of the scenario and the rules and rubric it is scored with."""
        return hashlib.sha256(
            (self.get(scenario_id).fingerprint + self.library.fingerprint).encode()
        ).hexdigest()[:16]


def load_catalog(extra_dirs: list[str] | None = None, *, strict: bool = False) -> Catalog:
    """Load the library and all scenarios. Broken scenario files are collected in
    ``problems`` (or raised when ``strict``) so one bad file does not hide the others."""
    library = load_library()
    scenarios: dict[str, LoadedScenario] = {}
    problems: list[Problem] = _missing_env_dirs()
    for path in scenario_paths(extra_dirs):
        try:
            loaded = load_scenario(path, library)
        except InputError as exc:
            problems += exc.problems
            continue
        sid = loaded.scenario.id
        if sid in scenarios:
            problems.append(
                Problem(
                    str(path), 1, 1, f"scenario id {sid!r} already used by {scenarios[sid].path}"
                )
            )
            continue
        scenarios[sid] = loaded
    if strict and problems:
        raise InputError(problems)
    return Catalog(library, scenarios, problems)
