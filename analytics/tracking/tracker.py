"""Multi-object tracker of one camera: ByteTrack's two-score association, timed in seconds.

Per update, after each track's Kalman prediction by the elapsed time:
1. confident detections ↔ confirmed tracks (followed or recently lost) by IoU;
2. weak detections ↔ tracks still unmatched and followed in the previous update, by IoU (ByteTrack:
   a person half hidden scores low but is still the same person);
3. confident detections left ↔ tentative tracks by IoU;
4. confident detections left ↔ confirmed tracks left, by centre distance in box heights within a
   gate that grows with the time lost: IoU fails after an occlusion, when the prediction has
   drifted off the reappearing box, and this is where identities are otherwise lost;
5. firm vehicle detections left (below), then weak vehicle detections left at `weak_match_iou` as in
   stage 2 ↔ weak-born tentative tracks by IoU;
6. confident detections left start tentative tracks, confirmed once matched over `min_confirm_s`;
   firm vehicle detections left start weak-born tentative tracks.
Vehicles of any class share one association group (car/truck flips); persons form another.

A small, far vehicle is often found in every frame at a score under `new_track_score`, even under
`high_score`: it would never become a track. A vehicle detection at `weak_birth_score` or more (a
firm one: any detection a skill would count) therefore starts a weak-born tentative track, confirmed
only with the evidence that a driving vehicle gives and noise does not: matched in every update over
`weak_confirm_updates` detections (a tentative track dies at its first miss, so flicker at random
places never gets there) and its centre carried at least `weak_confirm_travel` box heights from
where it was born, more forward than back and forth (a sign or a shadow stands still, and a
standing box's jitter goes nowhere): a parked car seen only weakly is never reported, as before. A
weak-born track that takes a detection at `new_track_score` is confirmed like a track born from it,
once matched over `min_confirm_s` after it. Once confirmed, such a vehicle keeps scoring low: firm
vehicle detections count as confident in stages 1 and 4, or the vehicle's track would end at its
first missed frame (stage 2 follows only tracks matched in the previous update) and a new weak-born
track would have to earn its travel again, often past the counting line. They never confirm a
confident-born tentative track (stage 3), which would let one good score confirm a standing object.
Persons and two-wheelers have no firm detections (see `_FIRM_CLASSES`): the intrusion and loitering
alerts keep their thresholds.
When the caller gives each detection's colour signature (`appearance.signatures`), stages 1 and 4
add the colour distance to the cost, and stage 4 refuses a pair whose colours differ too much: two
people who crossed, or someone else stepping out where a person was lost, keep their own ids. A
track's signature is a running average held in memory with the track only.
All durations are seconds from frame timestamps, so a dropped frame or another rate changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import supervision as sv

from analytics.detection.columns import class_ids
from analytics.detection.nms import suppression_group
from analytics.frame_tracks import CLASS_IDS
from analytics.tracking.appearance import distance as colour_distance
from analytics.tracking.association import assign, normalised_distance
from analytics.tracking.kalman import BoxKalman, cxcywh_to_xyxy, xyxy_to_cxcywh

_FORBIDDEN = 1e6
_VEHICLE_GROUP = int(suppression_group(np.array([CLASS_IDS["car"]]))[0])  # shared by every vehicle class
# Firm detections are those of four-wheeled vehicles: a two-wheeler carries its rider, whom the
# detector finds more readily than the bike, and a weak box of the bike under a rider's track would
# be a second track of one vehicle (on the Giang Vo junction, a red-light run raised twice).
_FIRM_CLASSES = np.array([CLASS_IDS[name] for name in ("car", "bus", "truck")])


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    high_score: float = 0.5
    """Detections at or above this take part in every association stage."""
    low_score: float = 0.1
    """Weaker detections are ignored; between the two they only extend followed tracks."""
    new_track_score: float = 0.6
    """Minimum score for a detection to start a track (see `weak_birth_score` for vehicles)."""
    weak_birth_score: float = 0.35
    """Minimum score for a vehicle detection to start a weak-born track: the skills' default
    `min_confidence`, so a track starts from any detection a skill would count."""
    weak_confirm_updates: int = 4
    """Detections, in consecutive updates, a weak-born track needs to be confirmed: its birth and
    three matches, i.e. three steps whose directions must add up (see `weak_confirm_straightness`)."""
    weak_confirm_travel: float = 1.0
    """Box heights (of its birth box) a weak-born track's centre must have left its birth place by: a
    vehicle moves by more than its size, while a standing box's detection jitter stays well within it."""
    weak_confirm_straightness: float = 0.5
    """Minimum ratio of that distance to the length of the centre's path: more than half of what a
    vehicle's centre covers is progress; jitter back and forth covers ground and goes nowhere."""
    match_iou: float = 0.2
    """Minimum IoU of a confident detection with a track's predicted box."""
    weak_match_iou: float = 0.5
    """Minimum IoU of a weak detection with a track's predicted box."""
    min_confirm_s: float = 0.1
    """A new track is reported once it has been matched over this many seconds."""
    lost_track_s: float = 3.0
    """How long a track that lost its object may still take it back."""
    reassociate_gate: float = 1.0
    """Distance gate of stage 4, in box heights, right after the loss …"""
    reassociate_gate_per_s: float = 0.5
    """… growing by this many box heights per second lost."""
    appearance_weight: float = 1.0
    """Weight of the colour distance (0–1) added to the association costs of stages 1 and 4."""
    appearance_gate: float = 0.5
    """Stage 4 refuses a pair whose colour distance is above this."""
    appearance_memory: float = 0.9
    """Share of a track's signature kept at each confident match (the rest comes from the new box)."""


@dataclass(slots=True)
class _Track:
    kalman: BoxKalman
    group: int
    first_s: float
    last_s: float
    track_id: int = 0  # 0 while tentative
    class_votes: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    signature: np.ndarray | None = None  # colours, in memory only (see the module docstring)
    weak_birth: "_WeakBirth | None" = None  # the evidence of a weak-born tentative track

    def confirms(self, time_s: float, config: TrackerConfig) -> bool:
        """Whether this tentative track has earned an id by `time_s`."""
        if self.weak_birth is not None:
            return self.weak_birth.convinces(time_s, config)
        return time_s - self.first_s >= config.min_confirm_s

    @property
    def class_id(self) -> int:
        return max(self.class_votes, key=self.class_votes.__getitem__)

    @property
    def xyxy(self) -> np.ndarray:
        return cxcywh_to_xyxy(self.kalman.cxcywh)


@dataclass(slots=True)
class _WeakBirth:
    """What a weak-born track has shown so far: its detections' centres since its birth."""

    origin: np.ndarray
    height: float
    last: np.ndarray
    path: float = 0.0
    detections: int = 1
    strong_s: float | None = None  # when it first took a detection at new_track_score

    @classmethod
    def at(cls, xyxy: np.ndarray) -> "_WeakBirth":
        centre = xyxy_to_cxcywh(xyxy)
        return cls(centre[:2], float(max(centre[3], 1.0)), centre[:2])

    def add(self, xyxy: np.ndarray, time_s: float, strong: bool) -> None:
        centre = xyxy_to_cxcywh(xyxy)[:2]
        self.path += float(np.linalg.norm(centre - self.last))
        self.last = centre
        self.detections += 1
        if strong and self.strong_s is None:
            self.strong_s = time_s

    def convinces(self, time_s: float, config: TrackerConfig) -> bool:
        if self.strong_s is not None and time_s - self.strong_s >= config.min_confirm_s:
            return True  # as a track born from that detection would be
        travel = float(np.linalg.norm(self.last - self.origin))
        return (
            self.detections >= config.weak_confirm_updates
            and travel >= config.weak_confirm_travel * self.height
            and travel >= config.weak_confirm_straightness * self.path
        )


class _Matching:
    """One update's association: which detection went to which track, stage after stage."""

    def __init__(
        self,
        detections: sv.Detections,
        groups: np.ndarray,
        signatures: np.ndarray | None,
        config: TrackerConfig,
    ) -> None:
        self._boxes = detections.xyxy
        self._groups = groups
        self._signatures = signatures
        self._config = config
        self.matches: dict[int, _Track] = {}  # detection index → track

    def by_iou(
        self, tracks: list[_Track], candidates: list[int], min_iou: float, with_appearance: bool = False
    ) -> tuple[list[_Track], list[int]]:
        """Pairs tracks' predicted boxes with detections; returns the unmatched of both."""
        iou = sv.box_iou_batch(
            np.array([t.xyxy for t in tracks]).reshape(-1, 4), self._boxes[candidates].reshape(-1, 4)
        )
        colours = self._colour_distance(tracks, candidates) if with_appearance else np.zeros_like(iou)
        cost = np.where(iou >= min_iou, 1.0 - iou + self._config.appearance_weight * colours, _FORBIDDEN)
        return self._assign(tracks, candidates, cost, _FORBIDDEN / 2)

    def by_distance(
        self, tracks: list[_Track], candidates: list[int], gates: np.ndarray
    ) -> tuple[list[_Track], list[int]]:
        """Pairs tracks' predicted centres with detections within each track's gate (box heights)
        and, with signatures, of colours close enough."""
        distance = normalised_distance(
            np.array([t.kalman.cxcywh for t in tracks]).reshape(-1, 4),
            np.array([xyxy_to_cxcywh(self._boxes[d]) for d in candidates]).reshape(-1, 4),
        )
        colours = self._colour_distance(tracks, candidates)
        allowed = (distance <= np.reshape(gates, (-1, 1))) & (colours <= self._config.appearance_gate)
        cost = np.where(allowed, distance + self._config.appearance_weight * colours, _FORBIDDEN)
        return self._assign(tracks, candidates, cost, _FORBIDDEN / 2)

    def _colour_distance(self, tracks: list[_Track], candidates: list[int]) -> np.ndarray:
        """[tracks, candidates] colour distances; 0 where a signature is missing (no image given)."""
        result = np.zeros((len(tracks), len(candidates)))
        if self._signatures is None or not candidates:
            return result
        known = [i for i, t in enumerate(tracks) if t.signature is not None]
        if known:
            result[known] = colour_distance(
                np.array([tracks[i].signature for i in known]), self._signatures[candidates]
            )
        return result

    def _assign(
        self, tracks: list[_Track], candidates: list[int], cost: np.ndarray, gate: float | np.ndarray
    ) -> tuple[list[_Track], list[int]]:
        same_group = np.array([[t.group == self._groups[d] for d in candidates] for t in tracks], dtype=bool)
        pairs, free_tracks, free_candidates = assign(
            np.where(same_group.reshape(cost.shape), cost, _FORBIDDEN), gate
        )
        for row, column in pairs:
            self.matches[candidates[column]] = tracks[row]
        return [tracks[r] for r in free_tracks], [candidates[c] for c in free_candidates]


class Tracker:
    """`update(detections, time_s, signatures)` returns the detections followed by a confirmed track,
    with tracker_id; `signatures` (optional) are the detections' colour signatures."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self._tracks: list[_Track] = []
        self._last_s: float | None = None
        self._next_id = 1

    def update(
        self, detections: sv.Detections, time_s: float, signatures: np.ndarray | None = None
    ) -> sv.Detections:
        config = self.config
        previous_s = self._last_s
        dt = 0.0 if previous_s is None else max(time_s - previous_s, 0.0)
        self._last_s = time_s
        for track in self._tracks:
            track.kalman.predict(dt)
        scores = detections.confidence if detections.confidence is not None else np.ones(len(detections))
        classes = class_ids(detections)
        groups = suppression_group(classes)
        confident_score = scores >= config.high_score
        firm = np.isin(classes, _FIRM_CLASSES) & (scores >= config.weak_birth_score)
        firm_vehicle = firm & ~confident_score
        confident: list[int] = np.flatnonzero(confident_score | firm_vehicle).tolist()
        weak: list[int] = np.flatnonzero(
            (scores >= config.low_score) & ~confident_score & ~firm_vehicle
        ).tolist()
        matching = _Matching(detections, groups, signatures, config)

        free, confident = matching.by_iou(
            [t for t in self._tracks if t.track_id], confident, config.match_iou, with_appearance=True
        )
        followed = [t for t in free if t.last_s == previous_s]
        still_free, weak = matching.by_iou(followed, weak, config.weak_match_iou)
        lost = [t for t in free if t.last_s != previous_s] + still_free
        tentative = [t for t in self._tracks if not t.track_id]
        weak_vehicles = [d for d in confident if firm_vehicle[d]]
        _, confident = matching.by_iou(
            tentative, [d for d in confident if not firm_vehicle[d]], config.match_iou
        )
        gates = np.array(
            [config.reassociate_gate + config.reassociate_gate_per_s * (time_s - t.last_s) for t in lost]
        )
        _, confident = matching.by_distance(lost, confident + weak_vehicles, gates)
        weak_vehicles = [d for d in confident if firm_vehicle[d]]
        confident = [d for d in confident if not firm_vehicle[d]]
        weak_born_tracks = [t for t in tentative if t.weak_birth is not None]
        weak_born_tracks, weak_vehicles = matching.by_iou(weak_born_tracks, weak_vehicles, config.match_iou)
        weak_others = [d for d in weak if groups[d] == _VEHICLE_GROUP]
        matching.by_iou(weak_born_tracks, weak_others, config.weak_match_iou)
        matches = matching.matches

        for index, track in matches.items():
            track.kalman.update(xyxy_to_cxcywh(detections.xyxy[index]))
            track.last_s = time_s
            track.class_votes[int(classes[index])] += float(scores[index])
            if signatures is not None and scores[index] >= config.high_score:
                track.signature = _blend(track.signature, signatures[index], config.appearance_memory)
            if track.weak_birth is not None:
                track.weak_birth.add(detections.xyxy[index], time_s, scores[index] >= config.new_track_score)
            if not track.track_id and track.confirms(time_s, config):
                track.track_id, track.weak_birth = self._next_id, None
                self._next_id += 1
        matched = {id(t) for t in matches.values()}
        self._tracks = [
            t
            for t in self._tracks
            if id(t) in matched or (t.track_id and time_s - t.last_s <= config.lost_track_s)
        ]
        for index in sorted(confident + weak_vehicles):
            weak_born = scores[index] < config.new_track_score
            if weak_born and not firm[index]:
                continue
            track = _Track(
                BoxKalman(xyxy_to_cxcywh(detections.xyxy[index])), int(groups[index]), time_s, time_s
            )
            track.class_votes[int(classes[index])] += float(scores[index])
            track.signature = None if signatures is None else signatures[index]
            track.weak_birth = _WeakBirth.at(detections.xyxy[index]) if weak_born else None
            self._tracks.append(track)
        reported = [(index, track) for index, track in sorted(matches.items()) if track.track_id]
        indices = np.array([index for index, _ in reported], dtype=int)
        return sv.Detections(
            xyxy=detections.xyxy[indices].reshape(-1, 4),
            confidence=scores[indices],
            class_id=np.array([track.class_id for _, track in reported], dtype=int),
            tracker_id=np.array([track.track_id for _, track in reported], dtype=int),
        )


def _blend(kept: np.ndarray | None, new: np.ndarray, memory: float) -> np.ndarray:
    return new if kept is None else memory * kept + (1.0 - memory) * new
