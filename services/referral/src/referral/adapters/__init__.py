"""Adapters: the database tables and the repository."""
