"""Durable delivery of analytics events to Security Center: SQLite outbox, retries, rate limit."""
