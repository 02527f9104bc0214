"""The trainer's class console: the live roster, the leaderboard, the debrief for the
projector, score overrides and the end of the session. Reads and writes the score log
through the classroom service only; the store is the meeting point with trainees."""
