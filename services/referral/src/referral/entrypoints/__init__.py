"""Entrypoints: the REST API, the Kafka consumers, the AsyncAPI document."""
