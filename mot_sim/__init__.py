"""mot-sim: rehearse customer-service moments of truth in the terminal."""

__version__ = "0.1.0"
