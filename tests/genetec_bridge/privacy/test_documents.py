"""The privacy documents generated from a site config: every register field, in both languages and
all three formats (the PDF read back), placeholders listed at the top, and following config changes."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from analytics.assets import REPO_ROOT
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.privacy.documents import Document, site_documents, strings, write_documents
from tests.support.single_command import run_command
from tests.support.site_config_files import EXAMPLE, PASSWORD_ENV, edited, example_text, write_site

COMMITTED = REPO_ROOT / "fixtures/privacy-docs"

STATED = """[privacy]
controller = "Ville de Testville"
controller_address = "2 rue du Test, 99999 Testville"
contact = "privacy@testville.example"
dpo = "Jeanne Martin, dpo@testville.example"
processor = "Analytics Integrator SAS, support@integrator.example"
legal_basis = "Art. 6(1)(e) GDPR; arrêté municipal n° 42"
security_center_retention = "30 days"
"""


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def _site(tmp_path: Path, text: str) -> SiteConfig:
    return load_site_config(write_site(tmp_path, text))


def _example_without_privacy() -> str:
    text = example_text()
    return text[: text.index("[privacy]")] + text[text.index("# Schedules") :]


def _doc(documents: list[Document], name: str, language: str) -> Document:
    return next(d for d in documents if d.name == name and d.language == language)


def _flat(text: str) -> str:
    """Whitespace collapsed: PDF text extraction breaks lines where the page does."""
    return re.sub(r"\s+", " ", text)


def _pdf_text(document: Document) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf())).pages))


def _register_fields(site: SiteConfig, language: str) -> list[str]:
    """What each Art. 30(1) field must show for the example site, in the document's language."""
    t = strings(language)
    assert site.privacy.controller, "the example states its controller"
    return [
        # (a) controller and contacts, (b) purposes, (c) people and data, (d) recipients,
        # (e) transfers, (f) erasure limits, (g) security.
        *(t["register"][key] for key in ("controller", "purposes", "categories", "recipients")),
        *(t["register"][key] for key in ("transfers", "retention", "security")),
        site.privacy.controller,
        *(t["skills"][kind]["purpose"] for kind in ("loitering", "intrusion", "counting", "red_light")),
        t["people"]["pedestrians"],
        t["people"]["cyclists"],
        t["data"]["counts"],
        t["data"]["operation"],
        t["register"]["recipient_report"],
        "8001",
        "5f1c2a3b-0000-4000-8000-00000000a001",
        t["register"]["transfers_text"],
        t["units"]["hours"].format(n=24),
        t["units"]["days"].format(n=730),
        t["units"]["days"].format(n=365),
        t["security"]["audit"].split("(")[0].strip(),
    ]


@pytest.fixture(scope="module")
def example_documents() -> list[Document]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, "example-password")
        return site_documents(load_site_config(EXAMPLE))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_register_field_is_in_the_markdown_html_and_pdf(example_documents, language) -> None:
    register = _doc(example_documents, "register", language)
    site = load_site_config(EXAMPLE)
    html_text = _flat(re.sub(r"<[^>]+>", " ", register.html()).replace("&#x27;", "'").replace("&amp;", "&"))
    pdf_text = _pdf_text(register)
    for field in _register_fields(site, language):
        assert field in register.markdown, f"{field!r} missing from the {language} Markdown"
        assert _flat(field.replace("`", "")) in html_text.replace("`", ""), f"{field!r} missing from HTML"
        assert _flat(field.replace("`", "")) in pdf_text, f"{field!r} missing from the {language} PDF"


def test_placeholders_are_listed_at_the_top_and_go_when_stated(tmp_path) -> None:
    bare = site_documents(_site(tmp_path, _example_without_privacy()), ["en"])
    register = _doc(bare, "register", "en").markdown
    top = register[: register.index("## 1.")]
    for name in ("controller", "dpo", "processor", "legal_basis", "security_center_retention"):
        assert f"`privacy.{name}`" in top
    assert "[TO BE COMPLETED: Data protection officer]" in register

    stated = _site(tmp_path, _example_without_privacy() + "\n" + STATED)
    for document in site_documents(stated):
        assert "TO BE COMPLETED" not in document.markdown and "À COMPLÉTER" not in document.markdown
    register = _doc(site_documents(stated, ["en"]), "register", "en").markdown
    assert "Jeanne Martin, dpo@testville.example" in register and "| 30 days |" in register


def test_adding_a_skill_or_changing_a_retention_changes_the_register(tmp_path) -> None:
    base = example_text()
    before = _doc(site_documents(_site(tmp_path, base), ["en"]), "register", "en").markdown
    with_skill = base + (
        '\n[[cameras.skills]]\nkind = "loitering"\nname = "Bike lane loitering"\nzone = "Bike lane"\n'
    )
    longer = edited(base, "keep_delivered_h = 24", "keep_delivered_h = 48")
    after_skill = _doc(site_documents(_site(tmp_path, with_skill), ["en"]), "register", "en").markdown
    after_retention = _doc(site_documents(_site(tmp_path, longer), ["en"]), "register", "en").markdown

    assert "Bike lane loitering" not in before and "Bike lane loitering" in after_skill
    assert "| 24 hours | `delivery.keep_delivered_h` |" in before
    assert "| 48 hours | `delivery.keep_delivered_h` |" in after_retention


def test_a_statistics_only_site_is_not_flagged_for_real_time_alerts(tmp_path) -> None:
    text = example_text()
    cameras = text.index("# --- Camera 1")
    counting_only = text[:cameras] + (
        '[[cameras]]\nid = "00000001-0000-babe-0000-00408ca1eb95"\nname = "Quai"\n'
        '[[cameras.lines]]\nname = "L"\npoints = [[0.1, 0.5], [0.9, 0.5]]\n'
        '[[cameras.skills]]\nkind = "counting"\nline = "L"\nclasses = ["bicycle"]\n'
    )
    register = _doc(site_documents(_site(tmp_path, counting_only), ["en"]), "register", "en").markdown
    assert "anonymous statistics only" in register and "real-time alert" not in register
    assert "kept for review in the trust store" not in register, "no alert, nothing to review"
    assert "- cyclists" in register and "- pedestrians" not in register
    assert "CNIL's 2022 position" not in register


def test_the_trust_store_is_in_the_register_with_its_retention(tmp_path) -> None:
    shorter = edited(example_text(), "verdicts_days = 365", "verdicts_days = 120")
    documents = site_documents(_site(tmp_path, shorter), ["en"])
    register = _doc(documents, "register", "en").markdown
    assert "measuring the false-alert rate of each skill on each camera, as the contract requires" in register
    assert "the reviewers of alerts, whose names the trust store keeps with their verdicts" in register
    assert "the name of the staff member who gave it" in register
    assert re.search(
        r"\| Trust store: [^|]*reviewer's name \| 120 days \| `retention.verdicts_days` \|", register
    )
    sheet = _doc(documents, "dpia-parvis-saint-michel", "en").markdown
    assert "Kept for review in the trust store for 120 days: the alert's positions" in sheet
    assert "never an image" in sheet


def test_data_sheet_per_camera(example_documents) -> None:
    sheet = _doc(example_documents, "dpia-parvis-saint-michel", "en").markdown
    for expected in (
        "`00000001-0000-babe-0000-00408ca1eb95`",
        "(0.7, 0) (1, 0) (1, 0.25) (0.7, 0.25)",  # the privacy mask
        "Porch: (0.3, 0.45)",
        "Mon, Tue, Wed, Thu, Fri 20:00–06:30; Sat, Sun 18:00–08:00 (Europe/Paris)",
        "custom event 8001 (Analytics: loitering) on this camera, phases: start, end",
        "Never an image, a face, a licence plate or an identity",
        "Analysis of private places: the privacy masks are blanked before analysis",
    ):
        assert expected in sheet
    other = _doc(example_documents, "dpia-carrefour-jean-jaures", "fr").markdown
    assert "Aucun masque de confidentialité sur cette caméra" in other
    assert "Comptages anonymes par intervalle dans la base de statistiques (ligne Northbound count)" in other


def test_public_notice_per_camera_is_printable(example_documents) -> None:
    notice = _doc(example_documents, "notice-carrefour-jean-jaures", "fr")
    assert "Caméra : Carrefour Jean-Jaures" in notice.markdown
    assert "Comptages anonymes : 730 jours." in notice.markdown
    assert "donnees-personnelles@exemple.fr" in notice.markdown
    assert "@page { size: A4" in notice.html() and 'class="notice"' in notice.html()
    assert "Analyse vidéo automatisée en service" in _pdf_text(notice)


def test_config_text_cannot_break_tables_or_inject_html(tmp_path) -> None:
    text = edited(example_text(), 'name = "Parvis Saint-Michel"', 'name = "Rue <script>x</script> | A*B"')
    documents = site_documents(_site(tmp_path, text), ["en"])
    register = _doc(documents, "register", "en")
    assert "<script>" not in register.html() and "&lt;script&gt;" in register.html()
    row = next(line for line in register.markdown.splitlines() if "Porch at night" in line)
    assert row.count(" | ") == 5  # six cells: the name's | is escaped


def test_both_languages_have_the_same_wording_keys() -> None:
    def keys(table: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in table.items():
            found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return found

    assert keys(strings("en")) == keys(strings("fr"))


def test_the_command_writes_every_document_and_format(tmp_path, capsys) -> None:
    out = tmp_path / "docs"
    argv = ["privacy-docs", "--config", str(EXAMPLE), "--out", str(out), "--language", "fr"]
    assert run_command("genetec_bridge.commands.privacy_docs", argv) == 0
    assert "dpo, processor, legal_basis, security_center_retention" in capsys.readouterr().out
    names = ("register", "dpia-parvis-saint-michel", "notice-parvis-saint-michel")
    names += ("dpia-carrefour-jean-jaures", "notice-carrefour-jean-jaures")
    expected = {f"{name}.{ext}" for name in names for ext in ("md", "html", "pdf")}
    assert {path.name for path in (out / "fr").iterdir()} == expected and not (out / "en").exists()
    assert PdfReader(out / "fr/register.pdf").pages[0].extract_text().startswith("Registre des activités")


def test_the_committed_example_documents_are_current(example_documents, tmp_path) -> None:
    written = write_documents(example_documents, tmp_path, ["md"])
    for path in written:
        committed = COMMITTED / path.relative_to(tmp_path)
        assert committed.is_file(), f"{committed} missing: run make privacy-docs"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run make privacy-docs"
        )
