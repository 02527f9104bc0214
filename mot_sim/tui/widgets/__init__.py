"""Widgets of the trainer. Untrusted text is only ever passed to them as plain text."""
