"""The bridge's back-off is the analytics package's (the daemon retries its inference tier with it too)."""

from analytics.backoff import Backoff

__all__ = ["Backoff"]
