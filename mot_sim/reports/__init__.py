"""Exports and reports over the score log (CSV, JSON Lines, xAPI, HTML). No UI here."""
