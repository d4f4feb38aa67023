"""The offline outbox's other end: a batch of operations, and one handler module per domain."""
