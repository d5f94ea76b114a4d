"""The counts exports as files: what `genetec-bridge counts export` writes, and the end of contract too."""

import json
from pathlib import Path

from genetec_bridge.counting.exports import counts_csv, ngsi_ld, points_csv
from genetec_bridge.counting.series import CountingPoint, Measure

FORMATS = ("csv", "ngsi-ld")
POINTS_FILE = "points-comptage.csv"


def write_exports(
    out: Path,
    points: list[CountingPoint],
    series: list[Measure],
    stem: str,
    formats: tuple[str, ...] = FORMATS,
) -> list[Path]:
    """CSV: the points file and comptages-STEM.csv; NGSI-LD: trafficflowobserved-STEM.json. The files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "csv" in formats:
        written += [out / POINTS_FILE, out / f"comptages-{stem}.csv"]
        written[-2].write_text(points_csv(points), encoding="utf-8")
        written[-1].write_text(counts_csv(series), encoding="utf-8")
    if "ngsi-ld" in formats:
        written.append(out / f"trafficflowobserved-{stem}.json")
        written[-1].write_text(json.dumps(ngsi_ld(series), indent=1, ensure_ascii=False), encoding="utf-8")
    return written
