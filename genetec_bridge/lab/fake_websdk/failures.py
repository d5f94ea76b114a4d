"""Failure injection: what the fake does wrong, set by command-line flags and `/_fake/failures`."""

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Failures(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    wrong_password_status: Literal[401, 403] = Field(
        403,
        description="Status for a known application id with a wrong password (unverified on real servers).",
    )
    force_status: Literal[401, 403, 503] | None = Field(
        None, description="Answer every Web SDK request with this status (credentials revoked, outage...)."
    )
    fail_code: str = Field("InvalidOperation", description="SdkErrorCode of injected Fail answers.")
    fail_next: int = Field(0, description="Answer the next N Web SDK requests with Fail; -1 for all.")
    refuse_status: int = Field(
        400, ge=400, le=499, description="HTTP status of injected refusals (400, 404, 408, 429...)."
    )
    refuse_next: int = Field(
        0,
        description="Refuse the next N Web SDK requests that match `refuse_matching` with `refuse_status`"
        " and an HTML body, without carrying them out; -1 for all.",
    )
    refuse_matching: str = Field(
        "", description="Only requests whose decoded path and query contain this text are refused."
    )
    retry_after: str | None = Field(None, description="Retry-After header of injected refusals (429).")
    garbage_next: int = Field(
        0,
        description="Carry out the next N Web SDK requests, then answer them with a body that is not an"
        " envelope (a mangling proxy); -1 for all.",
    )
    delay_s: float = Field(
        0.0,
        ge=0.0,
        description="Delay before answering each Web SDK request, after carrying it out (an overloaded"
        " server: the work is done, the answer comes late).",
    )
    outage_until: float | None = Field(
        None, description="Monotonic time until which every request gets 503 (set via /_fake/outage)."
    )
    hang_until: float | None = Field(
        None,
        description="Monotonic time until which no answer leaves: requests are carried out as they come,"
        " their answers wait until then, lost if the client gave up (set via /_fake/outage mode hang).",
    )
    single_result_as_list: bool = Field(
        False, description="Answer a one-entity read with a list instead of an object."
    )
    alarm_instance_id: bool = Field(True, description="TriggerAlarm answers Result.InstanceId.")
    unknown_entity_code: str = Field("UnknownEntity", description="SdkErrorCode for an unknown entity.")
    keepalive_s: float = Field(5.0, gt=0.0, description="Seconds between event-stream KeepAlive parts.")
    drop_stream_after_s: float | None = Field(
        None, description="Drop every event stream (and its session's subscriptions) after this many seconds."
    )

    def in_outage(self) -> bool:
        return self.outage_until is not None and time.monotonic() < self.outage_until

    def hang_left_s(self) -> float:
        return max(0.0, self.hang_until - time.monotonic()) if self.hang_until is not None else 0.0

    def refuses(self, request_line: str) -> bool:
        """Whether this request gets the injected refusal; consumes one of `refuse_next`."""
        return self.refuse_matching in request_line and self.take("refuse_next")

    def take(self, counter: Literal["fail_next", "garbage_next", "refuse_next"]) -> bool:
        """Whether this request gets the injected failure; consumes one of the counter."""
        remaining = getattr(self, counter)
        if remaining == 0:
            return False
        if remaining > 0:
            setattr(self, counter, remaining - 1)
        return True
