"""Integration events: the outbox and its relay (producer side), the inbox and dead letters
(consumer side), CloudEvents on the wire."""
