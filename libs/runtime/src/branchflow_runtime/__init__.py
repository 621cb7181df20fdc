"""Shared runtime of the Branchflow services: settings, database, messaging (outbox, relay,
inbox, dead letters, CloudEvents), telemetry, auth and the embedded infrastructure."""
