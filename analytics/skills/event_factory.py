"""Building events with stable ids: the same occurrence always gets the same id.

Delivery to Security Center may be retried and `analytics run` may be re-run; an id derived from
what happened (camera, skill, kind, phase, subject and the instant the occurrence began) lets the
receiver drop duplicates. It carries nothing that identifies a person.

Only confirmed tracks may cause an event: an alert an operator has seen cannot be taken back, so a
track that might still be retracted must not raise one. The tracker reports a track only once it is
confirmed (ids from 1; tentative tracks have none), and the factory refuses any other subject, whatever
fed the skills.
"""

import uuid

from analytics.events import AnalyticsEvent, EventKind, Evidence, Phase
from analytics.skills.base import SkillConfigBase
from analytics.skills.subjects import Subject
from analytics.skills.visits import Instant

_NAMESPACE = uuid.UUID("6f1c2a52-4d0e-4b7e-9a53-0c9e3d1f8a21")


def occurrence_id(camera: str, skill: str, kind: str, phase: str, subject: int, began: Instant) -> str:
    when = began.timestamp.isoformat() if began.timestamp is not None else f"{began.time_s:.3f}"
    return str(uuid.uuid5(_NAMESPACE, f"{camera}|{skill}|{kind}|{phase}|{subject}|{began.frame}|{when}"))


class EventFactory:
    """Fills the parts of an event every skill of one camera shares."""

    def __init__(
        self, camera: str, config: SkillConfigBase, zone: str | None = None, line: str | None = None
    ):
        self._camera = camera
        self._config = config
        self._zone = zone
        self._line = line

    def make(
        self,
        kind: EventKind,
        phase: Phase,
        subject: Subject,
        began: Instant,
        at: Instant,
        **evidence: object,
    ) -> AnalyticsEvent:
        """An event about `subject`, dated `at`, for the occurrence that began at `began`."""
        if subject.track_id < 1:
            raise ValueError(f"no event for an unconfirmed track (id {subject.track_id}): ids start at 1")
        label = self._config.label
        return AnalyticsEvent(
            id=occurrence_id(self._camera, label, kind, phase, subject.track_id, began),
            kind=kind,
            skill=label,
            phase=phase,
            camera=self._camera,
            zone=self._zone,
            line=self._line,
            class_name=subject.class_name,
            track_id=subject.track_id,
            frame=at.frame,
            time_s=round(at.time_s, 3),
            timestamp=at.timestamp,
            # A skill may give its own `positions` (a longer path than the subject's last few).
            evidence=Evidence.model_validate(
                {
                    "min_confidence": self._config.confidence_for(subject.class_name),
                    "positions": list(subject.positions),
                    "track_ids": list(subject.track_ids),
                }
                | evidence
            ),
        )
