"""Follows an encounter's events and writes them to the store as they happen."""

from __future__ import annotations

import uuid

from mot_sim.engine import Ended, Event, Started, TurnScored
from mot_sim.store.base import Store


class Recorder:
    """Subscribe one to an encounter: each turn is durable as soon as it is scored."""

    def __init__(
        self,
        store: Store,
        content_hash: str,
        session_id: str | None = None,
        class_code: str | None = None,
    ) -> None:
        self.store = store
        self.content_hash = content_hash
        self.session_id = session_id  # set: continue an existing session (resume)
        self.class_code = class_code  # set: the session is recorded into this class

    def __call__(self, event: Event) -> None:
        enc = event.encounter
        if isinstance(event, Started) and self.session_id is None:
            self.session_id = str(uuid.uuid4())
            self.store.start_session(
                self.session_id,
                enc.trainee or "anonymous",
                enc.scenario.id,
                self.content_hash,
                enc.mode,
                class_code=self.class_code,
            )
        elif isinstance(event, TurnScored) and self.session_id:
            self.store.add_turn(self.session_id, event.turn)
        elif isinstance(event, Ended) and self.session_id:
            self.store.finish_session(self.session_id, event.result.status, event.result)
