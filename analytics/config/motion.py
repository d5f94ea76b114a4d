"""Per-camera settings of the motion gate that spares the detector on still scenes."""

from pydantic import Field

from analytics.config.strict_model import StrictModel


class MotionConfig(StrictModel):
    """When the detector may be skipped: nothing moved and the last full detection is recent."""

    enabled: bool = Field(
        True, description="Skip the detector on frames where nothing moved; false detects every frame."
    )
    sensitivity: float = Field(
        0.0005,
        gt=0,
        le=1,
        description="Share of the small grey image that must change for a frame to count as moving;"
        " lower is more sensitive (a distant pedestrian changes about 0.0005).",
    )
    pixel_threshold: int = Field(
        18, ge=1, le=255, description="Grey-level change (0–255) a pixel needs to count as changed."
    )
    refresh_s: float = Field(
        2.0,
        gt=0,
        description="A full detection at least this often even on a still scene, so objects standing"
        " still (a parked car, a person in a zone) stay tracked. Keep it below the tracker's 3 s memory.",
    )
