"""xAPI (Experience API 1.0.3) statements for a learning record store.

Per session: ``attempted`` at the start, ``answered`` per turn at the moment it was
answered (the reply as ``result.response``), and at the end of a finished encounter
``completed`` plus ``passed`` or ``failed`` with ``result.score.scaled``. An abandoned
encounter ends with cmi5's ``abandoned`` and no score (it is no failed attempt); an
unfinished one has no ending yet. All share the session's ``context.registration``.
Dimension scores travel as IRI-keyed extensions. Statement ids are derived from the
session, so a re-export sends the same statements (an LRS then ignores duplicates).

A trainer's override of a reply's score: the ``answered`` statement carries the score that
counts (the trainer's) in ``result.score`` and the audit in the ``override`` extension
(the machine's score, who, when, why); the final statements carry the overall with
overrides applied and the machine's overall beside it. Such a statement's id is derived
from the override too, so a re-export after an override sends new statements rather
than changed ones (a record store rejects a known id with other content).

The actor's ``account.homePage`` names the organisation's system: it has no default, so
statements never go out under a made-up one (see :func:`mot_sim.settings.xapi_homepage`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mot_sim.classroom import scores
from mot_sim.errors import MotSimError
from mot_sim.stages import DIMENSIONS, STAGE_TITLES
from mot_sim.store.records import SessionRecord

if TYPE_CHECKING:
    from mot_sim.classroom.models import Override
    from mot_sim.models import Rubric

VERB = "http://adlnet.gov/expapi/verbs/"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"  # cmi5
ACTIVITY = "urn:mot-sim:scenario:"
EXT = "urn:mot-sim:extension:"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
_NS = uuid.UUID("7b0c9f43-5f5e-4b61-9c53-6a3d1f0b7e11")


def check_homepage(url: str) -> str:
    """An absolute http(s) URL, as xAPI wants for an account's homePage (an IRL)."""
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or any(c.isspace() for c in url.strip())
    ):
        raise MotSimError(
            f"xAPI homepage {url!r} is not a web address: give one like https://lms.example.org"
        )
    return url.strip()


def _verb(name: str, iri: str | None = None) -> dict[str, Any]:
    return {"id": iri or VERB + name, "display": {"en-US": name}}


def _score(value: int) -> dict[str, Any]:
    return {"scaled": round(value / 100, 4), "raw": value, "min": 0, "max": 100}


def _override(o: Override) -> dict[str, Any]:
    """The audit of an override, as an extension's value."""
    return {
        "machine-score": o.machine_score,
        "score": o.new_score,
        "reason": o.reason,
        "by": o.by,
        "at": o.at,
        "id": o.id,
    }


def statements(
    rec: SessionRecord,
    titles: dict[str, str],
    homepage: str,
    overrides: scores.Latest | None = None,
    rubric: Rubric | None = None,
) -> list[dict[str, Any]]:
    """The statements of one session, in order (with the trainers' overrides that
    count: the latest per reply)."""
    homepage = check_homepage(homepage)
    s = rec.summary
    found = {k: o for k, o in (overrides or {}).items() if k[0] == s.id}
    registration = str(uuid.UUID(s.id)) if _is_uuid(s.id) else str(uuid.uuid5(_NS, s.id))
    actor = {
        "objectType": "Agent",
        "name": s.trainee.name,
        "account": {"homePage": homepage, "name": s.trainee.employee_id or s.trainee.name},
    }
    scenario = {
        "objectType": "Activity",
        "id": ACTIVITY + s.scenario_id,
        "definition": {
            "type": ASSESSMENT,
            "name": {"en-US": titles.get(s.scenario_id, s.scenario_id)},
        },
    }
    session_ext: dict[str, Any] = {EXT + "mode": s.mode, EXT + "content-hash": s.content_hash}
    if s.trainee.cohort:
        session_ext[EXT + "cohort"] = s.trainee.cohort
    context: dict[str, Any] = {
        "registration": registration,
        "platform": "mot-sim",
        "extensions": session_ext,
    }

    def stmt(
        n: int,
        verb: str,
        obj: dict[str, Any],
        when: str,
        result: dict[str, Any] | None = None,
        parent: bool = False,
        variant: str = "",
    ) -> dict[str, Any]:
        ctx = dict(context)
        if parent:
            ctx["contextActivities"] = {
                "parent": [{"objectType": "Activity", "id": scenario["id"]}]
            }
        out = {
            "id": str(uuid.uuid5(_NS, f"{s.id}/{n}" + (f"/{variant}" if variant else ""))),
            "version": "1.0.3",
            "actor": actor,
            "verb": _verb(verb, ABANDONED if verb == "abandoned" else None),
            "object": obj,
            "context": ctx,
            "timestamp": when,
        }
        if result is not None:
            out["result"] = result
        return out

    out = [stmt(0, "attempted", scenario, s.started_at)]
    for t in rec.turns:
        obj = {
            "objectType": "Activity",
            "id": f"{scenario['id']}:stage:{t.stage}",
            "definition": {
                "type": INTERACTION,
                "interactionType": "long-fill-in",
                "name": {"en-US": STAGE_TITLES[t.stage]},
            },
        }
        dims = {
            EXT + d: t.result.dimensions[d]
            for d in DIMENSIONS
            if t.result.dimensions[d] is not None
        }
        o = found.get((s.id, t.stage))
        score = t.result.score if o is None else o.new_score
        result: dict[str, Any] = {"response": t.reply, "score": _score(score)}
        ext: dict[str, Any] = dict(dims)
        if o is not None:
            ext[EXT + "override"] = _override(o)
        if ext:  # xAPI forbids empty values outside extensions: no empty map
            result["extensions"] = ext
        when = t.at or s.started_at
        variant = "" if o is None else o.id
        out.append(stmt(t.index + 1, "answered", obj, when, result, parent=True, variant=variant))
    r = s.result
    if s.state == "abandoned":
        when = s.ended_at or (rec.turns[-1].at if rec.turns else None) or s.started_at
        out.append(stmt(92, "abandoned", scenario, when))
    elif r is not None and s.finished:
        when = s.ended_at or s.started_at
        final: dict[str, Any] = {
            EXT + d: r.dimensions[d] for d in DIMENSIONS if r.dimensions[d] is not None
        }
        final[EXT + "band"] = r.band
        final[EXT + "walked-out"] = r.walked_out
        overall, success, variant = r.overall, r.passed, ""
        if found:
            overall = scores.overall(r, s.id, found, rubric)
            success = scores.passed(r, overall, rubric)
            final[EXT + "machine-score"] = r.overall
            final[EXT + "overrides"] = [_override(o) for o in found.values()]
            variant = "+".join(sorted(o.id for o in found.values()))
        base = {"score": _score(overall), "success": success, "extensions": final}
        out.append(
            stmt(90, "completed", scenario, when, {**base, "completion": True}, variant=variant)
        )
        verb = "passed" if success else "failed"
        out.append(stmt(91, verb, scenario, when, base, variant=variant))
    return out


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
