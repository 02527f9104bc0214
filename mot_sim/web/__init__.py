"""The browser front: ``mot-sim serve`` runs the trainee app (or the trainer console) with
textual-serve, one app process per browser tab."""
