"""Copying zones, skills and whole cameras between the example site file's two cameras, on the real
file: previewed without writing, written as one version with one audit entry naming the source and the
targets, names that clash renamed or replaced, the trust gate kept, refused when a camera changed
since the preview, and the integrator's comments kept."""

import tomllib
from pathlib import Path
from typing import Any

import pytest

from analytics.config.loader import ConfigError
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.copying import CopyChoice
from genetec_bridge.box.site_file import EditConflict, SiteFile
from genetec_bridge.box.versions import VersionStore
from genetec_bridge.config.site import load_site_config
from genetec_bridge.trust.service import first_mode
from tests.support.box_site import write_box_site

A = "00000001-0000-babe-0000-00408ca1eb95"
B = "00000002-0000-babe-0000-00408ca1eb96"
FOUNTAIN = "intrusion:Fountain"  # live on A by Ines's named decision


@pytest.fixture
def site_file(tmp_path: Path) -> SiteFile:
    path = write_box_site(tmp_path)
    site = load_site_config(path)
    return SiteFile(path, VersionStore(site.box.versions_dir), AuditTrail(site.audit.path))


def _copy(site_file: SiteFile, choice: CopyChoice, targets: tuple[str, ...] = (B,)) -> list[str]:
    """Preview, then copy what the preview showed (the etags it gave)."""
    previews, problems = site_file.preview_copy(A, choice, list(targets))
    assert problems == []
    _, summary = site_file.copy_cameras(
        "ines", A, site_file.draft(A).etag, choice, {p.camera_id: p.etag for p in previews}
    )
    return summary


def _file(site_file: SiteFile) -> dict[str, Any]:
    return tomllib.loads(site_file.path.read_text())


def test_a_zone_and_a_skill_copied_land_on_the_target_in_shadow_as_one_audited_version(
    site_file: SiteFile,
) -> None:
    before, a_before = site_file.path.read_text(), site_file.site().camera(A)
    choice = CopyChoice(zones=("Porch",), skills=(FOUNTAIN,))
    (preview,), problems = site_file.preview_copy(A, choice, [B])
    assert problems == [] and site_file.path.read_text() == before  # a preview writes nothing
    assert preview.name == "Carrefour Jean-Jaures"
    # The skill brings the zone it watches; its live decision was A's, so it starts in shadow on B.
    assert preview.changes == ["zones: added Porch", "zones: added Fountain", f"skills: added {FOUNTAIN}"]
    assert preview.plan.shadow == [FOUNTAIN] and preview.plan.renamed == preview.plan.replaced == []

    summary = _copy(site_file, choice)
    site = site_file.site()
    b = site.camera(B)
    assert [z.name for z in b.zones] == ["Bike lane", "Porch", "Fountain"]
    assert b.zone("Porch").polygon == site.camera(A).zone("Porch").polygon  # normalised: as on A
    copied = next(s for s in b.skills if s.label == FOUNTAIN)
    assert copied.alert is not None and first_mode(copied.alert) == "shadow"
    assert (
        copied.alert.live_decided_by is None and copied.alert.alarm == "5f1c2a3b-0000-4000-8000-00000000a001"
    )
    assert site.camera(A) == a_before
    assert "# braces and upper case are accepted" in site_file.path.read_text()  # B's comments kept

    (entry,) = [e for e in site_file._audit.entries() if e.action == "config.copy"]
    assert (entry.actor, entry.subject) == ("ines", A)
    assert entry.details["targets"] == [B] and entry.details["copied"] == f"zones Porch; skills {FOUNTAIN}"
    assert entry.details["changes"] == summary == [f"Carrefour Jean-Jaures: {c}" for c in preview.changes]
    assert [v.action for v in site_file.versions.versions()] == ["config.initial", "config.copy"]


def test_names_that_clash_get_a_suffix_and_the_copied_skill_follows_its_renamed_zone(
    site_file: SiteFile,
) -> None:
    choice = CopyChoice(skills=("Porch at night",))
    _copy(site_file, choice)
    (preview,), _ = site_file.preview_copy(A, choice, [B])
    assert preview.plan.renamed == ["zone Porch → Porch_2", "skill Porch at night → Porch at night_2"]
    _copy(site_file, choice)
    b = site_file.site().camera(B)
    assert [z.name for z in b.zones] == ["Bike lane", "Porch", "Porch_2"]
    second = next(s for s in b.skills if s.label == "Porch at night_2")
    assert second.target == "Porch_2"


def test_replacing_keeps_the_target_s_own_decision_to_go_live(site_file: SiteFile) -> None:
    choice = CopyChoice(skills=(FOUNTAIN,), on_clash="replace")
    _copy(site_file, choice)
    # B's integrator decides for B, in B's editor.
    draft = site_file.draft(B)
    camera = draft.camera
    alert = next(s for s in camera["skills"] if s.get("zone") == "Fountain")["alert"]
    alert.update(mode="live", live_decided_by="Ivan Petit", live_reason="B's operators asked for it")
    site_file.save_camera("ivan", B, camera, draft.schedules, draft.etag)
    # A's Fountain is redrawn and copied again over B's.
    draft = site_file.draft(A)
    draft.camera["zones"][1]["polygon"] = [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]
    site_file.save_camera("ines", A, draft.camera, draft.schedules, draft.etag)
    (preview,), _ = site_file.preview_copy(A, choice, [B])
    assert preview.plan.replaced == ["zone Fountain", f"skill {FOUNTAIN}"] and preview.plan.shadow == []
    _copy(site_file, choice)
    b = site_file.site().camera(B)
    assert [z.name for z in b.zones] == ["Bike lane", "Fountain"]
    assert b.zone("Fountain").polygon == [(0.1, 0.1), (0.2, 0.1), (0.2, 0.2)]
    (copied,) = [s for s in b.skills if s.label == FOUNTAIN]
    assert copied.alert is not None and copied.alert.live_decided_by == "Ivan Petit"
    assert first_mode(copied.alert) == "live"


def test_a_whole_camera_brings_its_analysis_and_leaves_the_target_s_mount(site_file: SiteFile) -> None:
    draft = site_file.draft(A)
    draft.camera["zones"][0]["enabled"] = False  # switched off on A: copied switched off
    site_file.save_camera("ines", A, draft.camera, draft.schedules, draft.etag)
    _copy(site_file, CopyChoice(whole_camera=True))
    site = site_file.site()
    a, b = site.camera(A), site.camera(B)
    assert [z.name for z in b.zones] == ["Bike lane", "Porch", "Fountain", "Delivery bay"]
    assert not b.zone("Porch").enabled and "Porch at night" not in {s.label for s in b.running_skills()}
    assert {s.label for s in a.skills} < {s.label for s in b.skills}
    assert b.fps == a.fps == 5  # analysis settings come along...
    assert b.stream == "highres" and b.privacy_masks == [] and a.privacy_masks  # ...the mount stays B's
    assert _file(site_file)["cameras"][1]["name"] == "Carrefour Jean-Jaures"


def test_a_whole_camera_brings_its_detection_tiles_and_region_or_their_absence(site_file: SiteFile) -> None:
    tiled = {"tiles": 2, "region": [0.0, 0.4, 1.0, 1.0]}
    for camera, detection in ((A, tiled), (B, {"tiles": 3})):
        draft = site_file.draft(camera)
        site_file.save_camera(
            "ines", camera, {**draft.camera, "detection": detection}, draft.schedules, draft.etag
        )
    _copy(site_file, CopyChoice(whole_camera=True))
    b = site_file.site().camera(B)
    assert (b.detection.tiles, b.detection.region) == (2, [0.0, 0.4, 1.0, 1.0])
    assert _file(site_file)["cameras"][1]["detection"] == tiled

    draft = site_file.draft(A)
    site_file.save_camera(
        "ines", A, {k: v for k, v in draft.camera.items() if k != "detection"}, draft.schedules, draft.etag
    )
    _copy(site_file, CopyChoice(whole_camera=True))
    assert "detection" not in _file(site_file)["cameras"][1]  # A detects on the whole frame: so does B
    assert site_file.site().camera(B).detection.tiles == 1


def test_a_camera_changed_since_the_preview_refuses_the_copy(site_file: SiteFile) -> None:
    choice = CopyChoice(zones=("Porch",))
    (preview,), _ = site_file.preview_copy(A, choice, [B])
    draft = site_file.draft(B)
    site_file.save_camera("ivan", B, {**draft.camera, "fps": 4}, draft.schedules, draft.etag)
    before = site_file.path.read_text()
    with pytest.raises(EditConflict):
        site_file.copy_cameras("ines", A, site_file.draft(A).etag, choice, {B: preview.etag})
    with pytest.raises(EditConflict):
        site_file.copy_cameras("ines", A, "an older etag", choice, {B: site_file.draft(B).etag})
    assert site_file.path.read_text() == before


def test_a_copy_writes_no_empty_table_into_a_camera_without_one(site_file: SiteFile) -> None:
    choice = CopyChoice(zones=("Bike lane",))
    (preview,), _ = site_file.preview_copy(B, choice, [A])
    site_file.copy_cameras("ines", B, site_file.draft(B).etag, choice, {A: preview.etag})
    a = _file(site_file)["cameras"][0]
    assert [z["name"] for z in a["zones"]] == ["Porch", "Fountain", "Delivery bay", "Bike lane"]
    assert "lines" not in a


@pytest.mark.parametrize(
    ("choice", "targets", "key"),
    [
        (CopyChoice(zones=("Porch",)), [], "targets"),
        (CopyChoice(zones=("Porch",)), [A], "targets"),
        (CopyChoice(zones=("Nowhere",)), [B], "copy"),
        (CopyChoice(skills=("loitering:Nowhere",)), [B], "copy"),
    ],
)
def test_a_copy_to_nowhere_or_of_nothing_known_is_refused_by_name(
    site_file: SiteFile, choice: CopyChoice, targets: list[str], key: str
) -> None:
    with pytest.raises(ConfigError) as error:
        site_file.preview_copy(A, choice, targets)
    assert [p.key for p in error.value.problems] == [key]
