"""The Textual trainer: a thin layer over the engine, through :mod:`mot_sim.tui.service`."""
