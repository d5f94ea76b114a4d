"""The French box says why a draft was refused in French, with the file's key paths unchanged, and shows
the fields' help in French (genetec_bridge/box/config_french.py). A draft with a mistake of each common
kind goes to the box on a real socket in both languages; what stays English is listed here."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from analytics.config.loader import Problem
from genetec_bridge.box.config_french import problem_line, problem_message
from genetec_bridge.box.skill_forms import skill_forms
from tests.support.box_site import box_in_background, running_box, session, write_box_site
from tests.support.browser import log_in, shot

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"

# Each mistake's key and what the French box says of it: pydantic's error types (bound, number,
# literal, missing, unknown key) and our validators' own messages (time zone, time of day, polygon).
FRENCH = {
    "schedules.nights.timezone": "'Mars/Olympus' n'est pas un fuseau horaire IANA connu, par exemple 'Europe/Paris'",
    "schedules.nights.windows[0].start": "'25:00' n'est pas une heure HH:MM (de 00:00 à 24:00)",
    "cameras[0].fps": "doit être supérieur à 0",
    "cameras[0].privacy_masks[0]": "un polygone demande au moins 3 points, il en a 2",
    "cameras[0].zones[0].name": "clé obligatoire manquante",
    "cameras[0].skills[0].anchor": "doit être 'bottom_center' ou 'center'",
    "cameras[0].skills[0].min_dwell_s": "doit être un nombre",
    "cameras[0].skills[1].classes[1]": "doit être 'person', 'bicycle', 'car', 'motorcycle', 'bus' ou 'truck'",
    "cameras[0].skills[2].alert.custom_event_id": "doit être supérieur ou égal à 1",
    "cameras[0].skills[2].max_parking_s": "doit être un nombre",
    "cameras[0].colour": "clé inconnue (vérifiez son orthographe et la table où elle se trouve)",
}

# What falls back to English, on purpose or not yet translated: the site file's own checks (the box
# shows them on the cameras and versions pages only: an integrator's file, not the editor's draft), the
# cross-references between tables, and any pydantic error type not in config_french.BY_KIND.
STILL_ENGLISH = [
    Problem(
        "security_center.url",
        None,
        "the URL must not hold credentials; use username and password",
        "value_error",
    ),
    Problem(
        "health",
        None,
        "listen = 0.0.0.0:9100 exposes /status and /metrics to the network: set token",
        "value_error",
    ),
    Problem("cameras[0].skills[0].zone", None, "no zone named 'Porch' on this camera"),
    Problem("cameras[0].id", None, "the camera id cannot change"),
    Problem("security_center.url", None, "Input should be a valid URL", "url_parsing"),
]


def _mistaken(draft: dict[str, Any]) -> dict[str, Any]:
    camera = draft["camera"]
    camera["fps"] = 0
    camera["colour"] = "red"
    camera["privacy_masks"][0] = [[0.1, 0.1], [0.2, 0.2]]
    del camera["zones"][0]["name"]
    camera["skills"][0] |= {"min_dwell_s": "long", "anchor": "middle"}
    camera["skills"][1]["classes"] = ["person", "dragon"]
    camera["skills"][2]["alert"]["custom_event_id"] = 0
    camera["skills"][2]["max_parking_s"] = [1]
    draft["schedules"]["nights"]["windows"][0]["start"] = "25:00"
    draft["schedules"]["nights"]["timezone"] = "Mars/Olympus"
    return draft


async def _refusal(client: httpx.AsyncClient, csrf: str, draft: dict[str, Any], lang: str) -> dict[str, str]:
    client.cookies.set("box_lang", lang)
    answer = await client.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 422
    return {p["key"]: p["message"] for p in answer.json()["problems"]}


@pytest.mark.integration
async def test_a_refused_draft_is_explained_in_french_under_the_same_keys(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    before = path.read_text()
    async with running_box(path) as (server, _):
        client, csrf = await session(server.url.rstrip("/"), "ines")
        draft = _mistaken((await client.get(f"/api/cameras/{CAMERA}")).json())
        english = await _refusal(client, csrf, draft, "en")
        french = await _refusal(client, csrf, draft, "fr")
        await client.aclose()
    assert french == FRENCH
    assert english.keys() == french.keys()
    assert english["cameras[0].fps"] == "Input should be greater than 0"  # the models' own English
    assert path.read_text() == before


def test_what_is_not_translated_is_shown_in_english_and_listed() -> None:
    for problem in STILL_ENGLISH:
        assert problem_message(problem, "fr") == problem.message
    assert problem_line(STILL_ENGLISH[0], "fr").startswith("security_center.url : the URL")
    assert problem_line(
        Problem("cameras[0].fps", 12, "Input should be greater than 0", "greater_than", (("gt", "0.0"),)),
        "fr",
    ) == ("cameras[0].fps (ligne 12) : doit être supérieur à 0")


def _help(lang: str) -> dict[tuple[str, str], str]:
    forms = skill_forms(lang)
    kinds = [*((kind, form["fields"]) for kind, form in forms["skills"].items()), ("alert", forms["alert"])]
    return {(kind, field["name"]): field["description"] for kind, fields in kinds for field in fields}


def test_every_fields_help_is_french_and_says_what_its_english_says_apart() -> None:
    english, french = _help("en"), _help("fr")
    assert english.keys() == french.keys()
    untranslated = sorted(key for key, text in english.items() if text and french[key] == text)
    assert untranslated == []  # a new field's help is listed here until config_french.HELP has it
    # Two fields whose English help differs must not share one French help (a name-wide entry would).
    by_french: dict[str, set[str]] = {}
    for key, text in french.items():
        by_french.setdefault(text, set()).add(english[key])
    assert {text: helps for text, helps in by_french.items() if len(helps) > 1} == {}


@pytest.mark.integration
def test_the_french_editor_refuses_a_value_in_french_beside_its_field(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    before = path.read_text()
    with box_in_background(path) as (base, _):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, base, "ines")
        page.goto(f"{base}/lang/fr")
        page.goto(f"{base}/cameras/{CAMERA}")
        field = page.locator("[data-key='skills[0].min_dwell_s']")
        expect(field.locator("label")).to_have_attribute(
            "title", "Secondes de présence dans la zone avant l'alerte."
        )
        field.locator("input").fill("-2")
        field.locator("input").press("Tab")
        page.click("[data-action=save]")
        expect(field.locator(".field-error")).to_have_text("doit être supérieur à 0")
        shot(page, "editor-refusal-fr")
        page.close()
    assert path.read_text() == before
