"""Screens of the trainer, one per module."""
