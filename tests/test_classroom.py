"""The classroom's core: join codes, passwords, and the service on the score log.

Tests taking ``log_at`` run on both backends: a SQLite file and a database on a real
PostgreSQL server (tests/pg.py). The CLI, migrations, copies and tampered logs are in
test_classroom_cli.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mot_sim.catalog import Catalog
from mot_sim.classroom import codes, passwords, scores
from mot_sim.classroom.service import ClassError, Classroom
from mot_sim.engine import Encounter
from mot_sim.errors import MotSimError, StoreError, UnknownIdError
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.store import Store, open_store
from mot_sim.store.recorder import Recorder

SCENARIO = "pickle_request"
POOR = "Calm down, madam. That is our policy, nothing I can do."


@pytest.fixture
def store(log_at: str) -> Iterator[Store]:
    s = open_store(log_at)
    yield s
    s.close()


@pytest.fixture
def room(store: Store, catalog: Catalog) -> Classroom:
    return Classroom(store, catalog)


def play(
    room: Classroom,
    code: str,
    trainee: str,
    replies: list[str] | None = None,
    scenario: str = SCENARIO,
) -> str:
    """A trainee plays into the class as any trainee process does: the engine, recorded
    by the store's Recorder with the class code. The session's id."""
    assert room.catalog is not None
    cat = room.catalog
    cls = room.get(code)
    sc = cat.get(scenario).scenario
    enc = Encounter(sc, Scorer(cat.library), trainee, cls.mode, cls.timer)
    rec = Recorder(room.store, cat.fingerprint(scenario), class_code=cls.code)
    enc.subscribe(rec)
    enc.start()
    for text in replies if replies is not None else model_answers(cat, scenario):
        if enc.is_over:
            break
        enc.answer(text)
    assert rec.session_id is not None
    return rec.session_id


def model_answers(cat: Catalog, scenario: str = SCENARIO) -> list[str]:
    sc = cat.get(scenario).scenario
    return [sc.stage(s).model_answers[0] for s in STAGE_IDS]


# -- join codes and passwords ------------------------------------------------------------
def test_codes_are_six_unambiguous_characters_and_random() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) > 1990  # secrets-random: collisions are rare
    for code in made:
        assert len(code) == 6 and set(code) <= set(codes.ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) == len(set(codes.ALPHABET)) == 25


def test_codes_are_normalised_as_typed() -> None:
    assert codes.normalise(" k7p-3qx ") == "K7P3QX"
    assert codes.normalise("K7P 3QX") == "K7P3QX"
    assert codes.normalise("k7p_3qx") == "K7P3QX"
    for bad in ("", "K7P3Q", "K7P3QXX", "K0P3QX", "K7P3QS", "K7P3Q\x1b", "x" * 10_000):
        assert codes.normalise(bad) is None
    assert codes.shown("K7P3QX") == "K7P-3QX"


@given(st.text(max_size=40))
def test_any_typed_text_normalises_to_a_code_or_none(typed: str) -> None:
    found = codes.normalise(typed)
    assert found is None or (len(found) == 6 and set(found) <= set(codes.ALPHABET))


def test_passwords_are_salted_slow_hashes_compared_safely() -> None:
    a, b = passwords.make_hash("swordfish"), passwords.make_hash("swordfish")
    assert a != b and "swordfish" not in a  # salted, never the password
    assert passwords.verify("swordfish", a) and not passwords.verify("Swordfish", a)
    assert a.startswith("pbkdf2_sha256$200000$")
    # A hash edited in the log lets nobody in, and cannot make a join spin.
    for damaged in ("", "plain", "pbkdf2_sha256$99999999999$00$00", a.replace("$", "#")):
        assert not passwords.check_hash(damaged) and not passwords.verify("swordfish", damaged)
    huge = f"pbkdf2_sha256${passwords.MAX_ITERATIONS + 1}${'00' * 16}${'00' * 32}"
    started = time.monotonic()
    assert not passwords.verify("x", huge) and time.monotonic() - started < 0.1


# -- starting and joining ----------------------------------------------------------------
def test_start_and_join(room: Classroom, store: Store) -> None:
    cls = room.start([SCENARIO, "complaint_call", SCENARIO], "exam", timer=90, cohort="Spring A")
    assert cls.open and cls.scenarios == (SCENARIO, "complaint_call") and cls.timer == 90
    assert not cls.has_password and cls.cohort == "Spring A"
    assert room.get(cls.code.lower()) == cls
    joined = room.join(f"{cls.code[:3]}-{cls.code[3:]}".lower(), "  sam   LEE ")
    assert joined == cls
    room.join(cls.code, "Sam Lee")  # again: still one member
    assert [m.trainee for m in store.members(cls.code)] == ["sam LEE"]
    # Joining a class of a cohort puts a trainee without one in it, and never moves one.
    who = store.find_trainee("SAM LEE")
    assert who is not None and who.cohort == "Spring A"
    other = room.start([SCENARIO], "practice", cohort="Autumn B")
    room.join(other.code, "Sam Lee")
    who = store.find_trainee("sam lee")
    assert who is not None and who.cohort == "Spring A"


def test_start_refuses_what_cannot_run(room: Classroom) -> None:
    with pytest.raises(UnknownIdError, match="no_such"):
        room.start(["no_such"], "practice")
    for kwargs, words in (
        ({"scenarios": []}, "at least one"),
        ({"timer": 0}, "--timer"),
        ({"password": ""}, "password"),
        ({"password": "x" * 500}, "password"),
    ):
        args = {"scenarios": [SCENARIO], "mode": "practice", **kwargs}
        with pytest.raises(ClassError, match=words):
            room.start(**args)  # type: ignore[arg-type]


def test_the_join_gate(room: Classroom, store: Store) -> None:
    """A wrong code, a closed class and a wrong password are refused with one error type
    and a clear message each, and the refusal names nothing of any other class."""
    secret = room.start([SCENARIO], "practice", cohort="Secret cohort", password="s3same")
    plain = room.start(["complaint_call"], "exam")
    play(room, plain.code, "Other Trainee")
    refusals: list[ClassError] = []
    for code, password in (
        ("", None),
        ("not a code", None),
        ("K7P3QX" if "K7P3QX" not in (secret.code, plain.code) else "K7P3QY", None),
        (secret.code, None),
        (secret.code, "wrong"),
        (secret.code, "S3SAME"),
    ):
        with pytest.raises(ClassError) as caught:
            room.join(code, "Mallory", password)
        refusals.append(caught.value)
    assert [r.reason for r in refusals] == [
        "code",
        "code",
        "code",
        "password",
        "password",
        "password",
    ]
    assert "not a join code" in str(refusals[1]) and "no class has the code" in str(refusals[2])
    for r in refusals:  # nothing of the other classes leaks into a refusal
        text = str(r)
        for leak in (plain.code, "complaint_call", "Other Trainee", "Secret cohort", "s3same"):
            assert leak not in text
    assert store.members(secret.code) == []  # nobody got in
    assert room.join(secret.code, "Kim", "s3same") == secret
    room.end(secret.code)
    with pytest.raises(ClassError, match="has ended") as caught:
        room.join(secret.code, "Late", "s3same")
    assert caught.value.reason == "closed"
    with pytest.raises(ClassError, match="empty"):
        room.join(plain.code, " \x1b ")


def test_another_classs_data_is_invisible(room: Classroom) -> None:
    a = room.start([SCENARIO], "practice")
    b = room.start([SCENARIO], "practice")
    room.join(a.code, "Ann")
    sa = play(room, a.code, "Ann")
    room.join(b.code, "Ben")
    sb = play(room, b.code, "Ben", [POOR] * 5)
    assert [e.trainee for e in room.roster(a.code)] == ["Ann"]
    assert [e.session_id for e in room.roster(b.code)] == [sb]
    assert [r.session_id for r in room.debrief(a.code, "set_tone").replies] == [sa]
    assert [e.name for e in room.leaderboard(a.code)] == ["Ann"]
    assert [t.trainee for t in room.summary(a.code).trainees] == ["Ann"]
    assert [s.id for s in room.store.sessions(class_code=a.code)] == [sa]
    # A trainer of class A cannot mark class B's replies through A.
    with pytest.raises(ClassError, match="has no session"):
        room.star(a.code, sb, "set_tone")
    with pytest.raises(ClassError, match="has no session"):
        room.hide(a.code, sb, "set_tone")
    assert room.store.marks(a.code) == room.store.marks(b.code) == []


# -- the room ------------------------------------------------------------------------------
def test_roster_follows_the_room(room: Classroom, catalog: Catalog) -> None:
    cls = room.start([SCENARIO], "practice")
    room.join(cls.code, "Ann")
    room.join(cls.code, "Ben")
    (ann, ben) = room.roster(cls.code)
    assert (ann.trainee, ann.status, ann.replies, ann.score, ann.stage) == (
        "Ann",
        "joined",
        0,
        None,
        None,
    )
    answers = model_answers(catalog)
    sid = play(room, cls.code, "Ann", answers[:2])
    ann = room.roster(cls.code)[0]
    assert ann.status == "playing" and ann.session_id == sid and ann.replies == 2
    assert ann.stage == "solve" and ann.scenario_id == SCENARIO
    assert ann.mood is not None and 0 <= ann.mood <= 100 and ann.score is not None
    play(room, cls.code, "Ben", [POOR] * 5)
    ben = room.roster(cls.code)[1]
    assert ben.status == "walked_out" and ben.score is not None and ben.score < 40
    play(room, cls.code, "Cy")  # played without a joining row (an older client): listed
    assert [e.trainee for e in room.roster(cls.code)] == ["Ann", "Ben", "Cy"]
    assert room.roster(cls.code)[2].status == "completed"


def test_leaderboard_named_or_anonymous(room: Classroom) -> None:
    cls = room.start([SCENARIO], "practice")
    play(room, cls.code, "Ann")
    play(room, cls.code, "Ben", [POOR] * 5)
    play(room, cls.code, "Cy", [POOR])  # still playing: after the finished ones
    named = room.leaderboard(cls.code)
    assert [e.name for e in named] == ["Ann", "Ben", "Cy"]
    assert [e.rank for e in named] == [1, 2, 3] and named[0].score > named[1].score
    assert [e.finished for e in named] == [True, True, False]
    anon = room.leaderboard(cls.code, anonymous=True)
    assert [e.score for e in anon] == [e.score for e in named]
    assert sorted(e.name for e in anon) == ["Trainee 1", "Trainee 2", "Trainee 3"]
    assert not {"Ann", "Ben", "Cy"} & {e.name for e in anon}
    assert anon == room.leaderboard(cls.code, anonymous=True)  # stable between refreshes


def test_change_token_moves_with_every_change_and_only_then(
    room: Classroom, store: Store, catalog: Catalog
) -> None:
    cls = room.start([SCENARIO], "practice")
    other = room.start([SCENARIO], "practice")
    seen = [room.changed(cls.code)]

    def moved() -> bool:
        token = room.changed(cls.code)
        changed = token != seen[-1]
        seen.append(token)
        return changed

    assert not moved()
    room.join(cls.code, "Ann")
    assert moved()
    sc = catalog.get(SCENARIO).scenario
    enc = Encounter(sc, Scorer(catalog.library), "Ann", "practice")
    enc.subscribe(Recorder(store, catalog.fingerprint(SCENARIO), class_code=cls.code))
    enc.start()
    assert moved()  # a session began
    for text in model_answers(catalog):
        enc.answer(text)
        assert moved()  # every scored turn (and the end with the last one)
    sid = store.sessions(class_code=cls.code)[0].id
    room.override(sid, "solve", 99, "fine", "Tess")
    assert moved()
    room.star(cls.code, sid, "solve")
    assert moved()
    room.star(cls.code, sid, "solve", starred=False)
    assert moved()
    room.hide(cls.code, sid, "solve")
    assert moved()
    room.reveal(cls.code, "solve")
    assert moved()
    room.join(other.code, "Zed")  # another class: this one's token stays
    play(room, other.code, "Zed", [POOR])
    assert not moved()
    room.end(cls.code)
    assert moved()
    before = room.changed()
    room.assign("Spring A", SCENARIO, "2030-01-01")
    assert room.changed() != before  # the log-wide token moves too
    with pytest.raises(ClassError):
        room.changed("nope")


# -- debrief -------------------------------------------------------------------------------
def test_debrief_is_anonymous_and_marked(room: Classroom, catalog: Catalog) -> None:
    cls = room.start([SCENARIO], "practice")
    good = play(room, cls.code, "Ann")
    bad = play(room, cls.code, "Ben", [POOR] * 5)
    d = room.debrief(cls.code, "set_tone")
    assert d.stage == "set_tone" and not d.revealed
    assert sorted(r.label for r in d.replies) == ["Reply 1", "Reply 2"]
    by_sid = {r.session_id: r for r in d.replies}
    assert by_sid[bad].bad_hits and by_sid[bad].hits[0] in by_sid[bad].bad_hits
    assert by_sid[good].score > by_sid[bad].score
    assert "Ann" not in repr(d.replies) and "Ben" not in repr(d.replies)
    sc = catalog.get(SCENARIO).scenario
    assert (
        d.model_answers[SCENARIO].split()[:3] == sc.stage("set_tone").model_answers[0].split()[:3]
    )
    # The trainer stars the best (one per stage), hides one, reveals the stage.
    room.star(cls.code, good, "set_tone")
    room.star(cls.code, bad, "set_tone")
    room.hide(cls.code, good, "set_tone")
    room.reveal(cls.code, "set_tone")
    d = room.debrief(cls.code, "set_tone")
    by_sid = {r.session_id: r for r in d.replies}
    assert d.revealed and by_sid[bad].starred and not by_sid[good].starred
    assert by_sid[good].hidden and not by_sid[bad].hidden
    assert [r.session_id for r in d.projected()] == [bad]  # the hidden one is not shown
    assert room.debrief(cls.code, "diagnose").revealed is False
    room.hide(cls.code, good, "set_tone", hidden=False)
    room.reveal(cls.code, "set_tone", revealed=False)
    d = room.debrief(cls.code, "set_tone")
    assert not d.revealed and not any(r.hidden for r in d.replies)
    assert d.projected() == ()  # nothing on the projector before the reveal
    # Labels do not follow the joining order, and stay put between refreshes.
    assert [r.label for r in d.replies] == [
        r.label for r in room.debrief(cls.code, "set_tone").replies
    ]
    with pytest.raises(ClassError, match="unknown stage"):
        room.debrief(cls.code, "closing")


# -- overrides -----------------------------------------------------------------------------
def test_override_is_audited_and_never_overwrites_the_machine_score(
    room: Classroom, store: Store
) -> None:
    cls = room.start([SCENARIO], "practice")
    sid = play(room, cls.code, "Ann", [POOR] * 5)
    machine = {t.stage: t.result.score for t in store.session(sid).turns}
    before = store.session(sid).summary.result
    assert before is not None
    first = room.override(sid[:8], "set_tone", 70, "  The tone was fine\x1b[2J ", "Tess \x07")
    assert (first.session_id, first.stage, first.machine_score, first.new_score) == (
        sid,
        "set_tone",
        machine["set_tone"],
        70,
    )
    assert first.reason == "The tone was fine" and first.by == "Tess" and first.at
    time.sleep(1.05)  # the audit is by time: a second override a second later
    second = room.override(sid, "set_tone", 65, "on reflection", "Lead Trainer")
    # The machine's scores are untouched, in the turn and in the result.
    after = store.session(sid)
    assert {t.stage: t.result.score for t in after.turns} == machine
    assert after.summary.result == before
    # The trail keeps both, oldest first; the latest counts.
    trail = room.overrides(sid)
    assert trail == [first, second]
    found = scores.latest(trail)
    assert found[(sid, "set_tone")] == second
    assert scores.reply_score(machine["set_tone"], sid, "set_tone", found) == 65
    d = {r.session_id: r for r in room.debrief(cls.code, "set_tone").replies}[sid]
    assert (d.score, d.machine_score, d.overridden) == (65, machine["set_tone"], True)
    summary = room.summary(cls.code)
    assert summary.overrides == (first, second)
    assert summary.stages[0].average == 65
    # The overall is recomputed with the rubric, the machine's is kept beside it.
    assert summary.trainees[0].best == scores.overall(before, sid, found, room.rubric)
    assert summary.trainees[0].best != before.overall
    for score, reason, by, words in (
        (101, "x", "T", "0 to 100"),
        (-1, "x", "T", "0 to 100"),
        (50, " ", "T", "--reason"),
        (50, "x", "\x1b", "--by"),
        (50, "x" * 3000, "T", "at most"),
    ):
        with pytest.raises(ClassError, match=words):
            room.override(sid, "set_tone", score, reason, by)
    with pytest.raises(ClassError, match="no reply at follow_up"):
        room.override(play(room, cls.code, "Ben", [POOR]), "follow_up", 50, "x", "T")
    with pytest.raises(StoreError, match="no session"):
        room.override("ffffffff", "set_tone", 50, "x", "T")
    assert room.overrides(sid) == [first, second]  # refusals recorded nothing


# -- the end and assignments --------------------------------------------------------------
def test_end_closes_and_summarises(room: Classroom, catalog: Catalog) -> None:
    cls = room.start([SCENARIO], "practice", cohort="Spring A")
    room.join(cls.code, "Ann")
    room.join(cls.code, "Ben")
    room.join(cls.code, "Dee")  # joined, never played
    play(room, cls.code, "Ann")
    play(room, cls.code, "Ben", [POOR] * 5)
    play(room, cls.code, "Ben", model_answers(catalog)[:2])  # a second try, unfinished
    s = room.end(cls.code)
    assert not s.session.open and s.session.closed_at
    assert (s.finished, s.unfinished) == (2, 1)
    ann, ben, dee = s.trainees
    assert (ann.trainee, ann.finished, ann.passed) == ("Ann", 1, True)
    assert (ben.trainee, ben.sessions, ben.finished, ben.passed) == ("Ben", 2, 1, False)
    assert (dee.trainee, dee.sessions, dee.best) == ("Dee", 0, None)
    assert ann.best is not None and ben.best is not None and ann.best > ben.best
    assert [x.stage for x in s.stages] == list(STAGE_IDS)
    assert s.stages[0].replies == 3 and s.stages[0].lowest is not None
    assert s.stages[0].highest is not None and s.stages[0].lowest < s.stages[0].highest
    assert s.weakest and s.weakest[0].count >= 1 and s.weakest[0].trainees == 1
    assert s.weakest[0].reason
    assert room.end(cls.code).session.closed_at == s.session.closed_at  # first close counts


def test_a_class_of_several_scenarios_keeps_them_apart(room: Classroom) -> None:
    """Each reply says which customer it answered; the debrief reads one scenario's
    replies together, and the summary gives each scenario's stages on their own beside
    the room's."""
    other = "birthday_cake"
    cls = room.start([SCENARIO, other], "practice")
    pickle = [play(room, cls.code, n) for n in ("Ann", "Ben")]
    cake = [
        play(room, cls.code, "Cy", scenario=other),
        play(room, cls.code, "Dee", [POOR] * 5, scenario=other),  # the customer may leave
    ]
    d = room.debrief(cls.code, "set_tone")
    assert [r.scenario_id for r in d.replies] == [SCENARIO] * 2 + [other] * 2
    assert {r.session_id for r in d.replies[:2]} == set(pickle)
    assert {r.session_id for r in d.replies[2:]} == set(cake)
    assert sorted(r.label for r in d.replies) == [f"Reply {n}" for n in range(1, 5)]
    assert set(d.model_answers) == {SCENARIO, other}
    assert [r.scenario_id for r in room.debrief(cls.code, "set_tone", other).replies] == [other] * 2
    s = room.summary(cls.code)
    assert [x.scenario_id for x in s.stages] == [None] * len(STAGE_IDS)
    assert [(x.scenario_id, x.stage) for x in s.scenario_stages] == [
        (sc, stage) for sc in (SCENARIO, other) for stage in STAGE_IDS
    ]
    mine = {(x.scenario_id, x.stage): x for x in s.scenario_stages}
    for n, stage in enumerate(STAGE_IDS):
        a, b, room_at = mine[SCENARIO, stage], mine[other, stage], s.stages[n]
        assert a.replies == 2 and b.replies >= 1 and room_at.replies == a.replies + b.replies
        assert a.lowest is not None and b.lowest is not None and room_at.lowest is not None
        assert room_at.lowest == min(a.lowest, b.lowest)
    tone = mine[other, "set_tone"]
    assert tone.replies == 2 and tone.lowest is not None and tone.average is not None
    assert tone.lowest < mine[SCENARIO, "set_tone"].lowest  # Dee's, in the cake's row only
    assert s.stages[0].average != tone.average
    # As trainers read it: the command line and the report give each scenario's row.
    from mot_sim.cli.class_cmds import summary_lines
    from mot_sim.reports.html import ClassroomPart, render_report

    lines = summary_lines(s)
    assert any(line.endswith("(all scenarios)") for line in lines)
    assert any(line.endswith(f"({other})") for line in lines)
    assert any(line.endswith(f"({SCENARIO})") for line in lines)
    records = room.store.records(class_code=cls.code)
    assert room.catalog is not None
    titles = {k: v.scenario.title for k, v in room.catalog.scenarios.items()}
    html = render_report(
        cls.code, "class", records, titles, room.rubric, classroom=ClassroomPart(class_summary=s)
    )
    assert html.count('class="scenario-room"') == 2
    assert titles[other] in html.split('class="scenario-room"')[2]
    # One scenario played: nothing to split.
    single = room.start([SCENARIO, other], "practice")
    play(room, single.code, "Eve")
    assert room.summary(single.code).scenario_stages == ()


def test_assignments_status(room: Classroom, store: Store, catalog: Catalog) -> None:
    from mot_sim.store.records import Trainee

    for name in ("Ann", "Ben", "Cy", "Dee"):
        store.upsert_trainee(Trainee(name, cohort="Spring A"))
    store.upsert_trainee(Trainee("Eve", cohort="Autumn B"))
    a = room.assign(" Spring  A ", SCENARIO, "2026-12-01", "Tess")
    assert (a.cohort, a.due, a.assigned_by) == ("Spring A", "2026-12-01", "Tess")
    cls = room.start([SCENARIO], "practice")
    play(room, cls.code, "Ann")  # done
    play(room, cls.code, "Ben", model_answers(catalog)[:2])  # in progress
    play(room, cls.code, "Cy", [POOR] * 5)  # walked out: finished, so done
    status = {p.trainee: p.status for p in room.assignments("Spring A", today="2026-11-30")}
    assert status == {"Ann": "done", "Ben": "in_progress", "Cy": "done", "Dee": "not_started"}
    late = {p.trainee: p.status for p in room.assignments("Spring A", today="2026-12-02")}
    assert late == {"Ann": "done", "Ben": "overdue", "Cy": "done", "Dee": "overdue"}
    (mine,) = room.assignments(trainee="dee", today="2026-11-01")
    assert (mine.trainee, mine.status, mine.assignment.scenario_id) == (
        "Dee",
        "not_started",
        SCENARIO,
    )
    assert room.assignments(trainee="Eve") == [] and room.assignments(trainee="Nobody") == []
    done = next(p for p in room.assignments("Spring A") if p.trainee == "Ann")
    assert done.best is not None and len(done.session_ids) == 1
    # A new due date replaces the old: one assignment per cohort and scenario.
    room.assign("Spring A", SCENARIO, "2027-01-15")
    assert [x.due for x in store.assignments("Spring A")] == ["2027-01-15"]
    with pytest.raises(ClassError, match="--due"):
        room.assign("Spring A", SCENARIO, "next friday")
    with pytest.raises(MotSimError, match="no_such"):
        room.assign("Spring A", "no_such", "2027-01-15")


def test_the_report_counts_one_score_per_encounter_with_overrides_applied(
    room: Classroom, store: Store
) -> None:
    """The cards, the per-trainee table and the stage bars show the score that counts,
    the same one the class summary shows, and say that overrides are in it."""
    from mot_sim.reports.html import ClassroomPart, build_context

    cls = room.start([SCENARIO], "practice")
    sid = play(room, cls.code, "Ann", [POOR] * 5)
    record = store.session(sid)
    assert record.summary.result is not None
    machine = record.summary.result.overall
    o = room.override(sid, "set_tone", 100, "the tone was right", "Tess")
    found = scores.latest([o])
    counted = scores.overall(record.summary.result, sid, found, room.rubric)
    assert counted != machine
    ctx = build_context(
        "class", "class", [record], {}, room.rubric, classroom=ClassroomPart(overrides=[o])
    )
    assert ctx["table"][0].best == counted and ctx["table"][0].latest == counted
    assert ctx["stages"][0].value == 100
    assert "overrides" in ctx["caption"]
    # The transcript keeps the machine's reply score beside the override.
    turn = ctx["transcripts"][0]["turns"][0]
    assert turn["turn"].result.score != 100 and turn["override"] == o


def test_a_join_refused_for_its_scenario_records_nothing(room: Classroom, store: Store) -> None:
    cls = room.start([SCENARIO], "practice", cohort="Summer B")
    with pytest.raises(ClassError, match="plays pickle_request, not 'complaint_call'"):
        room.join(cls.code, "Probe Two", scenario="complaint_call")
    assert room.roster(cls.code) == []
    assert store.find_trainee("Probe Two") is None
    room.join(cls.code, "Probe Two", scenario=SCENARIO)
    assert [e.trainee for e in room.roster(cls.code)] == ["Probe Two"]
