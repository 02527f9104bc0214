"""The classroom: a trainer's live session, join codes, debrief, overrides, assignments.

Textual-free like the rest of the core. The score log is the only meeting point between
processes (trainees' terminals, browser tabs, the trainer's console): :class:`Classroom`
in :mod:`mot_sim.classroom.service` reads and writes it through the store. This package
imports nothing here so the store can use :mod:`mot_sim.classroom.models` without a cycle.
"""
