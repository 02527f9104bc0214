"""xAPI (Experience API 1.0.3) statements for a learning record store.

Per session: ``attempted`` at the start, ``answered`` per turn at the moment it was
answered (the reply as ``result.response``), and at the end of a finished encounter
``completed`` plus ``passed`` or ``failed`` with ``result.score.scaled``. An abandoned
encounter ends with cmi5's ``abandoned`` and no score (it is no failed attempt); an
unfinished one has no ending yet. All share the session's ``context.registration``.
Dimension scores travel as IRI-keyed extensions. Statement ids are derived from the
session, so a re-export sends the same statements (an LRS then ignores duplicates).

The actor's ``account.homePage`` names the organisation's system: it has no default, so
statements never go out under a made-up one (see :func:`mot_sim.settings.xapi_homepage`).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from mot_sim.errors import MotSimError
from mot_sim.stages import DIMENSIONS, STAGE_TITLES
from mot_sim.store.records import SessionRecord

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


def statements(rec: SessionRecord, titles: dict[str, str], homepage: str) -> list[dict[str, Any]]:
    """The statements of one session, in order."""
    homepage = check_homepage(homepage)
    s = rec.summary
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
    ) -> dict[str, Any]:
        ctx = dict(context)
        if parent:
            ctx["contextActivities"] = {
                "parent": [{"objectType": "Activity", "id": scenario["id"]}]
            }
        out = {
            "id": str(uuid.uuid5(_NS, f"{s.id}/{n}")),
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
        result: dict[str, Any] = {"response": t.reply, "score": _score(t.result.score)}
        if dims:  # xAPI forbids empty values outside extensions: no empty map
            result["extensions"] = dims
        when = t.at or s.started_at
        out.append(stmt(t.index + 1, "answered", obj, when, result, parent=True))
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
        base = {"score": _score(r.overall), "success": r.passed, "extensions": final}
        out.append(stmt(90, "completed", scenario, when, {**base, "completion": True}))
        out.append(stmt(91, "passed" if r.passed else "failed", scenario, when, base))
    return out


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
