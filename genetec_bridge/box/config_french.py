"""The French of what a person reads of the configuration's models in the box: why a draft or a file
was refused (pydantic's messages by error type, our validators' messages by their wording) and the
fields' help (their descriptions, shown as the editor's tooltips).

English is the models' own text, never copied here: a message or a description with no French below is
shown in English (tests/genetec_bridge/box/test_config_french.py lists every one that is). The key path
of a problem is never translated: it is the file's.
"""

import re
from typing import Any

from analytics.config.loader import Problem

# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/), with their context.
BY_KIND = {
    "missing": "clé obligatoire manquante",
    "union_tag_not_found": "clé obligatoire manquante",
    "extra_forbidden": "clé inconnue (vérifiez son orthographe et la table où elle se trouve)",
    "union_tag_invalid": "valeur inconnue '{tag}' (attendu : {expected_tags})",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "finite_number": "doit être un nombre fini",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier, sans partie décimale",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "bool_type": "doit être true ou false",
    "bool_parsing": "doit être true ou false",
    "string_type": "doit être un texte",
    "list_type": "doit être une liste",
    "dict_type": "doit être une table",
    "model_type": "doit être une table",
    "model_attributes_type": "doit être une table",
    "literal_error": "doit être {expected}",
    "enum": "doit être {expected}",
    "string_pattern_mismatch": "ne suit pas la forme attendue (motif {pattern})",
    "string_too_short": "doit compter au moins {min_length} caractère(s)",
    "string_too_long": "doit compter au plus {max_length} caractère(s)",
    "too_short": "doit compter au moins {min_length} élément(s)",
    "too_long": "doit compter au plus {max_length} élément(s)",
}
# pydantic joins the expected values of a literal with an English word: 'A', 'B' or 'C'.
_ENGLISH_OR = re.compile(r"(?<=') or (?=')")
# A bound of a float field is a float; pydantic writes 0.0 as 0, and so do we.
_WHOLE = re.compile(r"^(-?\d+)\.0$")

# Our validators' messages (ValueError), by their English wording; a group is the value quoted.
BY_WORDING = [
    (
        re.compile(r"'(?P<value>.*)' is not a GUID like (?P<example>\S+)"),
        "'{value}' n'est pas un GUID comme {example}",
    ),
    (
        re.compile(r"'(?P<value>.*)' is not a time of day HH:MM \(00:00 to 24:00\)"),
        "'{value}' n'est pas une heure HH:MM (de 00:00 à 24:00)",
    ),
    (
        re.compile(r"'(?P<value>.*)' is not a known IANA time zone, e.g. 'Europe/Paris'"),
        "'{value}' n'est pas un fuseau horaire IANA connu, par exemple 'Europe/Paris'",
    ),
    (
        re.compile(r"holds a control character \(U\+(?P<code>[0-9A-F]+)\); use printable text only"),
        "contient un caractère de contrôle (U+{code}) ; n'utilisez que du texte imprimable",
    ),
    (
        re.compile(r"a polygon needs at least 3 points, got (?P<got>\d+)"),
        "un polygone demande au moins 3 points, il en a {got}",
    ),
    (
        re.compile(r"give either `points` or `lane`, not both nor neither"),
        "donnez soit `points`, soit `lane` : l'un des deux, pas les deux",
    ),
    (
        re.compile(r"'(?P<value>.*)' is not an IP address, e.g. 127.0.0.1 or 0.0.0.0"),
        "'{value}' n'est pas une adresse IP, par exemple 127.0.0.1 ou 0.0.0.0",
    ),
    (
        re.compile(r"no such file: (?P<path>.*)"),
        "fichier introuvable : {path}",
    ),
]


def problem_message(problem: Problem, lang: str) -> str:
    """The problem's message in `lang`; English where no French is known."""
    if lang != "fr":
        return problem.message
    if problem.kind in BY_KIND:
        context = {name: _WHOLE.sub(r"\1", value) for name, value in problem.context}
        if "expected" in context:
            context["expected"] = _ENGLISH_OR.sub(" ou ", context["expected"])
        try:
            return BY_KIND[problem.kind].format(**context)
        except KeyError:  # a context pydantic did not give this time: the English says it
            return problem.message
    for wording, french in BY_WORDING:
        found = wording.fullmatch(problem.message)
        if found:
            return french.format(**found.groupdict())
    return problem.message


def problem_rows(problems: list[Problem], lang: str) -> list[dict[str, Any]]:
    """The problems as the box's scripts show them (JSON), in `lang`."""
    return [{"key": p.key, "line": p.line, "message": problem_message(p, lang)} for p in problems]


def problem_line(problem: Problem, lang: str) -> str:
    """`key (line N): message`, in `lang`."""
    if lang != "fr":
        return str(problem)
    where = problem.key if problem.line is None else f"{problem.key} (ligne {problem.line})"
    return f"{where} : {problem_message(problem, lang)}"


# The fields' help: by the field's name, or by `kind.name` where a skill (or the alert routing, "alert")
# says it its own way.
HELP = {
    "zone": "Nom d'une zone de cette caméra.",
    "line": "Nom d'une ligne de cette caméra.",
    "enabled": "false désactive la compétence sans la supprimer : elle ne surveille rien et ne lève rien jusqu'à"
    " ce qu'elle soit réactivée.",
    "name": "Nom unique de cette compétence sur la caméra ; par défaut 'kind:zone'.",
    "classes": "Classes d'objets surveillées.",
    "min_confidence": "Les détections de confiance inférieure sont ignorées.",
    "class_min_confidence": "Seuils de confiance par classe, à la place de min_confidence.",
    "anchor": "Point de la boîte testé par rapport aux zones et aux lignes.",
    "min_dwell_s": "Secondes de présence dans la zone avant l'alerte.",
    "class_min_dwell_s": "Durées de présence par classe, à la place de min_dwell_s.",
    "schedule": "Nom d'une table [schedules.NOM] ; la compétence ne fonctionne qu'à l'intérieur.",
    "cooldown_s": "Secondes au moins entre deux alertes de cette compétence pour la même zone ou ligne.",
    "alert": "Sorties Security Center (événement personnalisé, alarme, signet).",
    "grace_s": "Une visite survit à une perte de l'objet (occultation, changement d'identifiant) pendant cette"
    " durée.",
    "intrusion.min_presence_s": "Inertie : l'objet doit rester ce temps à l'intérieur pour que l'entrée compte.",
    "intrusion.grace_s": "Une visite survit à une perte de l'objet pendant cette durée.",
    "parking.classes": "Classes de véhicules.",
    "max_parking_s": "Secondes pendant lesquelles un véhicule peut rester à l'arrêt.",
    "class_max_parking_s": "Limites par classe, à la place de max_parking_s.",
    "movement_tolerance": "Mouvement, en fraction de la taille de la boîte du véhicule, encore compté comme un"
    " arrêt.",
    "parking.grace_s": "Des détections manquées pendant cette durée ne terminent ni ne relancent un"
    " stationnement.",
    "red_light.classes": "Classes de véhicules ; ajoutez 'person' là où les deux-roues vus de dos sont détectés"
    " comme leurs conducteurs (les piétons qui franchissent la ligne d'arrêt vers le carrefour comptent alors"
    " aussi).",
    "red_light.grace_s": "Un objet perdu pendant cette durée garde son côté de la ligne (changements"
    " d'identifiant, occultation).",
    "counting.grace_s": "Un objet perdu pendant cette durée garde son côté de la ligne (changements"
    " d'identifiant, occultation).",
    "direction": "Sens de franchissement qui viole le feu (A, B : le premier et le second point de la ligne).",
    "signal": "D'où vient l'état du feu (région de l'image ou source externe).",
    "red_light.hysteresis": "Distance normalisée que le point jugé (l'avant, puis l'arrière) doit atteindre"
    " au-delà de la ligne pour un franchissement.",
    "proceed_distance": "Distance normalisée au-delà de la ligne d'arrêt (perpendiculairement à elle) que"
    " l'arrière (l'ancre) doit atteindre après l'avoir franchie au rouge : là où commence le carrefour, par"
    " exemple le bord opposé du passage piéton.",
    "proceed_within_s": "Secondes, après le passage de l'arrière sur la ligne, dans lesquelles il doit aller"
    " aussi loin.",
    "front_share": "Circulation qui s'éloigne de la caméra : où les roues avant touchent la route, en part de la"
    " hauteur de la boîte depuis son bas, par classe (lue sur une image avec un véhicule sur la ligne ; elle"
    " dépend de la hauteur et de l'inclinaison de la caméra). Une classe absente est jugée par son ancre.",
    "lane_misuse.classes": "Classes interdites dans la zone.",
    "lane_misuse.min_presence_s": "Secondes dans la zone avant l'alerte.",
    "lane_misuse.grace_s": "Une présence survit à une perte de l'objet pendant cette durée.",
    "counting.classes": "Classes comptées.",
    "interval_s": "Intervalle d'agrégation des comptages, en secondes (un jour au plus).",
    "counting.hysteresis": "Distance normalisée que l'ancre doit atteindre au-delà de la ligne pour un"
    " franchissement.",
    "origins": "Autres lignes de cette caméra d'où un véhicule peut venir (mouvements tournants : les entrées"
    " d'un carrefour, les voies en amont). Chaque franchissement de cette ligne dit alors la ligne d'origine"
    " franchie en dernier avant elle et, sur une caméra étalonnée, sa vitesse entre les deux lignes.",
    "location": "Position WGS84 [longitude, latitude] du point de comptage, pour les exports (fichier des"
    " points, localisation NGSI-LD). Le démon l'ignore.",
    "alert.mode": "'shadow' : les alertes sont gardées pour la revue et n'atteignent jamais les opérateurs (ni"
    " événement personnalisé, ni alarme ; un signet si demandé) ; 'live' : elles sont levées. Mode initial"
    " seulement : une fois que le pont a vu la compétence, `genetec-bridge trust promote|demote` le change et"
    " le magasin de confiance le garde. 'live' demande live_decided_by et live_reason : sans eux, une nouvelle"
    " compétence démarre en shadow et attend une promotion (page de revue ou `genetec-bridge trust"
    " promote`).",
    "alert.live_decided_by": "Avec le mode 'live' : le nom de la personne qui décide que cette nouvelle"
    " compétence passe en live avant d'avoir franchi le seuil de confiance (journalisée comme auteur).",
    "alert.live_reason": "Avec le mode 'live' : pourquoi elle passe en live avant d'avoir franchi le seuil de"
    " confiance (journalisé).",
    "alert.custom_event_id": "Identifiant de l'événement personnalisé Genetec levé sur la caméra (créé s'il"
    " manque) ; de 1 à 2147483647.",
    "alert.custom_event_name": "Nom donné à l'événement personnalisé à sa création ; par défaut le nom de la"
    " compétence.",
    "alert.alarm": "GUID d'une alarme Genetec à déclencher avec la caméra pour source.",
    "alert.bookmark": "Ajouter un signet sur la caméra à l'heure de l'événement.",
    "alert.phases": "Phases d'événement envoyées à Security Center ('end' clôt le maraudage et le"
    " stationnement).",
}


def field_help(kind: str, name: str, english: str, lang: str) -> str:
    """The help of the field `name` of a skill `kind` (or "alert"), in `lang`; English where no French."""
    if lang != "fr" or not english:
        return english
    return HELP.get(f"{kind}.{name}", HELP.get(name, english))
