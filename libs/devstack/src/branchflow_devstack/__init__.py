"""Dev stack for `make run`."""
