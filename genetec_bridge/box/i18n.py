"""The box's words in English and French. Pages call `t(key)`; the editor script gets the
`editor.*`, `field.*` and `label.*` keys as JSON. A key missing in one language is a test failure,
not an English fallback. The values a form offers (skill kinds, object classes, options) are shown by
their `label.*` words and saved as the config values; numbers are shown in the language's format
(`number`, `percent`: 1 234,5 and 12,5 % in French); the review keys of both languages work."""

from collections.abc import Callable

from aiohttp import web

LANGUAGES = ("en", "fr")
LANGUAGE_COOKIE = "box_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"en": "Analytics configuration", "fr": "Configuration des analyses"},
    "nav.cameras": {"en": "Cameras", "fr": "Caméras"},
    "nav.versions": {"en": "Versions", "fr": "Versions"},
    "nav.audit": {"en": "Audit log", "fr": "Journal d'audit"},
    "nav.logout": {"en": "Log out", "fr": "Se déconnecter"},
    "nav.signed_in": {"en": "Signed in as", "fr": "Connecté en tant que"},
    "nav.skip": {"en": "Skip to content", "fr": "Aller au contenu"},
    "login.title": {"en": "Log in", "fr": "Connexion"},
    "login.user": {"en": "Account", "fr": "Compte"},
    "login.password": {"en": "Password", "fr": "Mot de passe"},
    "login.submit": {"en": "Log in", "fr": "Se connecter"},
    "login.failed": {"en": "Wrong account or password.", "fr": "Compte ou mot de passe incorrect."},
    "login.locked": {
        "en": "Too many failed attempts from your address; try again in {seconds} s.",
        "fr": "Trop d'échecs depuis votre adresse ; réessayez dans {seconds} s.",
    },
    "login.expired": {
        "en": "The form expired; please log in again.",
        "fr": "Le formulaire a expiré ; reconnectez-vous.",
    },
    "cameras.title": {"en": "Cameras", "fr": "Caméras"},
    "cameras.name": {"en": "Camera", "fr": "Caméra"},
    "cameras.online": {"en": "Security Center", "fr": "Security Center"},
    "cameras.analysis": {"en": "Analysis", "fr": "Analyse"},
    "cameras.fps": {"en": "Frames / s (analysed / set)", "fr": "Images / s (analysées / prévues)"},
    "cameras.skills": {"en": "Skills", "fr": "Compétences"},
    "cameras.online_yes": {"en": "online", "fr": "en ligne"},
    "cameras.online_no": {"en": "offline", "fr": "hors ligne"},
    "cameras.online_unknown": {"en": "unknown", "fr": "inconnu"},
    "cameras.streaming": {"en": "streaming", "fr": "flux reçu"},
    "cameras.not_streaming": {"en": "no stream", "fr": "pas de flux"},
    "cameras.not_analysed": {"en": "not analysed", "fr": "non analysée"},
    "cameras.frames_analysed": {"en": "{count} frames analysed", "fr": "{count} images analysées"},
    "cameras.edit": {"en": "Edit", "fr": "Modifier"},
    "cameras.view": {"en": "View", "fr": "Voir"},
    "cameras.add": {"en": "Analyse this camera", "fr": "Analyser cette caméra"},
    "cameras.websdk_error": {
        "en": "Security Center unreachable: {error}. Showing the configured cameras only.",
        "fr": "Security Center injoignable : {error}. Seules les caméras configurées sont listées.",
    },
    "cameras.pending": {
        "en": "Saved changes not applied yet to the running analysis.",
        "fr": "Modifications enregistrées mais pas encore appliquées à l'analyse en cours.",
    },
    "nav.health": {"en": "Health", "fr": "État"},
    "cameras.alias": {"en": "(site file: {alias})", "fr": "(fichier du site : {alias})"},
    "review.asks_live": {
        "en": "The site file asks for live: in shadow until a named person promotes it here (through the"
        " gate, or with a written reason).",
        "fr": "Le fichier du site demande la mise en service : en observation jusqu'à ce qu'une personne"
        " nommée la décide ici (par la porte, ou avec une raison écrite).",
    },
    "field.live_decided_by": {"en": "Live decided by (name)", "fr": "Mise en service décidée par (nom)"},
    "field.live_reason": {
        "en": "Why live before the trust gate",
        "fr": "Pourquoi en service avant la porte de confiance",
    },
    "health.title": {"en": "Health of the analysis", "fr": "État de l'analyse"},
    "health.analysing": {"en": "streaming, analysed", "fr": "flux reçu, analysé"},
    "health.starting": {"en": "starting", "fr": "démarrage"},
    "health.no_result_yet": {"en": "waiting for the first result", "fr": "en attente du premier résultat"},
    "health.results_stopped": {"en": "no result for {seconds} s", "fr": "aucun résultat depuis {seconds} s"},
    "health.daemon_down": {"en": "analysis daemon down", "fr": "démon d'analyse arrêté"},
    "health.inference_down": {"en": "inference unavailable", "fr": "inférence indisponible"},
    "health.snapshot_stuck": {
        "en": "status not refreshed for {seconds} s",
        "fr": "état non rafraîchi depuis {seconds} s",
    },
    "health.snapshot_age": {
        "en": "Status gathered {seconds} s ago.",
        "fr": "État relevé il y a {seconds} s.",
    },
    "health.problems": {"en": "Problems", "fr": "Problèmes"},
    "health.no_problems": {"en": "Nothing wrong.", "fr": "Aucun problème."},
    "health.cameras": {"en": "Cameras", "fr": "Caméras"},
    "health.last_result": {"en": "Last result", "fr": "Dernier résultat"},
    "health.seconds_ago": {"en": "{seconds} s ago", "fr": "il y a {seconds} s"},
    "health.frames": {"en": "Frames", "fr": "Images"},
    "health.frames_counts": {
        "en": "{analysed} analysed, {dropped} dropped",
        "fr": "{analysed} analysées, {dropped} abandonnées",
    },
    "health.reconnects": {"en": "Reconnections", "fr": "Reconnexions"},
    "health.daemon": {"en": "Analysis daemon", "fr": "Démon d'analyse"},
    "health.connected": {"en": "connected", "fr": "connecté"},
    "health.disconnected": {"en": "disconnected", "fr": "déconnecté"},
    "health.restarts": {"en": "Restarts", "fr": "Redémarrages"},
    "health.inference": {"en": "Inference tier", "fr": "Niveau d'inférence"},
    "health.available": {"en": "answering", "fr": "répond"},
    "health.latency": {"en": "Latency per batch", "fr": "Latence par lot"},
    "health.last_error": {"en": "Last error", "fr": "Dernière erreur"},
    "health.security_center": {"en": "Security Center link", "fr": "Liaison Security Center"},
    "health.reachable": {"en": "reachable", "fr": "joignable"},
    "health.unreachable": {"en": "unreachable", "fr": "injoignable"},
    "health.alarm_stream": {"en": "Alarm acknowledgements", "fr": "Acquittements d'alarmes"},
    "health.delivered": {"en": "Events delivered", "fr": "Événements remis"},
    "health.pending": {"en": "Events waiting", "fr": "Événements en attente"},
    "health.oldest": {"en": "oldest {seconds} s", "fr": "le plus ancien : {seconds} s"},
    "health.outbox": {"en": "Outbox", "fr": "File d'envoi"},
    "health.event_loop": {"en": "Event loop", "fr": "Boucle d'événements"},
    "health.recent_stall": {"en": "Longest stall, last minute", "fr": "Plus long blocage, dernière minute"},
    "health.longest_stall": {
        "en": "Longest stall since start",
        "fr": "Plus long blocage depuis le démarrage",
    },
    "health.parked": {"en": "Parked events ({count})", "fr": "Événements mis de côté ({count})"},
    "health.parked_at": {"en": "Parked", "fr": "Mis de côté"},
    "health.event": {"en": "Event", "fr": "Événement"},
    "health.reason": {"en": "Reason", "fr": "Raison"},
    "health.requeue": {
        "en": "Retrying cannot deliver these; `genetec-bridge deliver` requeues them once fixed.",
        "fr": "Réessayer ne les remettra pas ; `genetec-bridge deliver` les remet en file une fois corrigé.",
    },
    "health.none": {"en": "Nothing.", "fr": "Rien."},
    "health.stores": {"en": "Store problems", "fr": "Problèmes de stockage"},
    "health.store": {"en": "Store", "fr": "Stockage"},
    "health.failures": {"en": "Failures", "fr": "Échecs"},
    "health.moved_aside": {"en": "Damaged files set aside", "fr": "Fichiers endommagés mis de côté"},
    "nav.traffic": {"en": "Traffic", "fr": "Trafic"},
    "traffic.title": {"en": "Traffic counts", "fr": "Comptages du trafic"},
    "traffic.no_points": {
        "en": "No camera counts yet: add a counting skill to a line.",
        "fr": "Aucune caméra ne compte encore : ajoutez une compétence de comptage à une ligne.",
    },
    "traffic.no_store": {
        "en": "No statistics stored yet (counting.store_path).",
        "fr": "Aucune statistique enregistrée pour l'instant (counting.store_path).",
    },
    "traffic.point": {"en": "Counting point", "fr": "Point de comptage"},
    "traffic.day": {"en": "Day ({zone})", "fr": "Jour ({zone})"},
    "traffic.show": {"en": "Show", "fr": "Afficher"},
    "traffic.explain": {
        "en": "Local days and hours ({zone}): a day has 23 or 25 hours when the clocks change. Coverage is"
        " the share of the period the camera was analysed; counts are"
        " not extrapolated, and a period never analysed is shown as missing, not as zero.",
        "fr": "Jours et heures locaux ({zone}) : un jour compte 23 ou 25 heures au changement d'heure. La"
        " couverture est la part de la période où la caméra a été analysée ; les"
        " comptages ne sont pas extrapolés, et une période jamais analysée apparaît comme manquante, pas à zéro.",
    },
    "traffic.profile": {"en": "Hourly profile of {day}", "fr": "Profil horaire du {day}"},
    "traffic.hour": {"en": "Hour", "fr": "Heure"},
    "traffic.total": {"en": "Total", "fr": "Total"},
    "traffic.coverage": {"en": "Coverage", "fr": "Couverture"},
    "traffic.missing": {"en": "missing", "fr": "manquant"},
    "traffic.weeks": {"en": "This week and the week before", "fr": "Cette semaine et la précédente"},
    "traffic.this_week": {"en": "This week", "fr": "Cette semaine"},
    "traffic.previous_week": {"en": "Week before", "fr": "Semaine précédente"},
    "traffic.directions": {"en": "Directions on {day}", "fr": "Sens de circulation le {day}"},
    "traffic.direction": {"en": "Direction", "fr": "Sens"},
    "traffic.directions_coverage": {
        "en": "Coverage of the day: {share}.",
        "fr": "Couverture de la journée : {share}.",
    },
    "traffic.coverage_title": {
        "en": "Coverage of {day}, per {interval} s interval",
        "fr": "Couverture du {day}, par intervalle de {interval} s",
    },
    "traffic.coverage_table": {"en": "Coverage of each interval", "fr": "Couverture de chaque intervalle"},
    "traffic.interval": {"en": "Interval", "fr": "Intervalle"},
    "traffic.export": {"en": "Open-data export", "fr": "Export open data"},
    "traffic.export_explain": {
        "en": "Every counting point, from the first day to the day before the last (local days, {zone};"
        " times with their UTC offset). CSV: the points file and the measures file in a zip, as Cerema"
        " recommends; NGSI-LD: TrafficFlowObserved entities.",
        "fr": "Tous les points de comptage, du premier jour à la veille du dernier (jours locaux, {zone} ;"
        " heures avec leur décalage UTC). CSV : le fichier des points et celui des mesures dans un zip,"
        " selon les recommandations du Cerema ; NGSI-LD : entités TrafficFlowObserved.",
    },
    "traffic.from": {"en": "From", "fr": "Du"},
    "traffic.to": {"en": "To (excluded)", "fr": "Au (exclu)"},
    "traffic.period": {"en": "Period", "fr": "Période"},
    "traffic.period_interval": {"en": "each interval", "fr": "chaque intervalle"},
    "traffic.period_hour": {"en": "hourly", "fr": "horaire"},
    "traffic.period_day": {"en": "daily", "fr": "journalière"},
    "traffic.format": {"en": "Format", "fr": "Format"},
    "traffic.format_csv": {"en": "CSV (points + measures)", "fr": "CSV (points + mesures)"},
    "traffic.format_ngsi_ld": {"en": "NGSI-LD JSON", "fr": "JSON NGSI-LD"},
    "traffic.format_datex2": {
        "en": "DATEX II (XML: flow and mean speed per site)",
        "fr": "DATEX II (XML : débit et vitesse moyenne par site)",
    },
    "traffic.download": {"en": "Download", "fr": "Télécharger"},
    "versions.title": {"en": "Saved versions", "fr": "Versions enregistrées"},
    "versions.number": {"en": "Version", "fr": "Version"},
    "versions.at": {"en": "When", "fr": "Quand"},
    # Named once on each page that shows times: the site's clock, not the reader's computer's.
    "time.site_zone": {
        "en": "Times and days are the site's local time ({zone}), whatever your computer's time zone.",
        "fr": "Les heures et les jours sont ceux du site ({zone}), quel que soit le fuseau de votre ordinateur.",
    },
    "versions.actor": {"en": "Who", "fr": "Qui"},
    "versions.action": {"en": "What", "fr": "Quoi"},
    "versions.diff": {"en": "Changes", "fr": "Modifications"},
    "versions.rollback": {"en": "Roll back to this version", "fr": "Revenir à cette version"},
    "versions.rolled_back": {
        "en": "Rolled back: saved as version {n}.",
        "fr": "Retour effectué : version {n}.",
    },
    "versions.none": {"en": "No version saved from the box yet.", "fr": "Aucune version enregistrée."},
    "audit.title": {"en": "Audit log", "fr": "Journal d'audit"},
    "audit.details": {"en": "Details", "fr": "Détails"},
    "audit.intact": {"en": "Chain intact.", "fr": "Chaîne intacte."},
    "audit.broken": {"en": "Chain broken:", "fr": "Chaîne rompue :"},
    "audit.newer": {"en": "Newer entries", "fr": "Entrées plus récentes"},
    "audit.older": {"en": "Older entries", "fr": "Entrées plus anciennes"},
    "audit.kind": {"en": "Kind", "fr": "Type"},
    "audit.kind_all": {"en": "all but deliveries", "fr": "tout sauf les remises"},
    "audit.camera": {"en": "Camera", "fr": "Caméra"},
    "audit.any": {"en": "any", "fr": "toutes"},
    "audit.actor": {"en": "Account", "fr": "Compte"},
    "audit.filter": {"en": "Filter", "fr": "Filtrer"},
    "audit.clear": {"en": "Clear the filters", "fr": "Effacer les filtres"},
    "audit.none": {"en": "No entry matches.", "fr": "Aucune entrée ne correspond."},
    "error.forbidden": {"en": "Your role does not allow this.", "fr": "Votre rôle ne le permet pas."},
    "error.csrf": {"en": "Form token missing or wrong.", "fr": "Jeton de formulaire absent ou faux."},
    "editor.title": {"en": "Camera editor", "fr": "Éditeur de caméra"},
    "editor.read_only": {
        "en": "Read only: your role cannot change the configuration.",
        "fr": "Lecture seule : votre rôle ne permet pas de modifier la configuration.",
    },
    "editor.snapshot_failed": {
        "en": "No snapshot from the Media Gateway; drawing on a blank frame.",
        "fr": "Pas d'image de la Media Gateway ; dessin sur un fond vide.",
    },
    "editor.shapes": {"en": "Zones, lines and masks", "fr": "Zones, lignes et masques"},
    "editor.new_zone": {"en": "New zone", "fr": "Nouvelle zone"},
    "editor.new_line": {"en": "New line", "fr": "Nouvelle ligne"},
    "editor.new_mask": {"en": "New privacy mask", "fr": "Nouveau masque"},
    "editor.undo": {"en": "Undo", "fr": "Annuler"},
    "editor.redo": {"en": "Redo", "fr": "Rétablir"},
    "editor.delete_point": {"en": "Delete point", "fr": "Supprimer le point"},
    "editor.delete_shape": {"en": "Delete shape", "fr": "Supprimer la forme"},
    "editor.reverse": {"en": "Reverse direction", "fr": "Inverser le sens"},
    "editor.hint_idle": {
        "en": "Choose 'New zone', 'New line' or 'New privacy mask', or click a shape to edit it.",
        "fr": "Choisissez « Nouvelle zone », « Nouvelle ligne » ou « Nouveau masque », ou cliquez une forme.",
    },
    "editor.hint_polygon": {
        "en": "Click to add points; click the first point (or press Enter) to close. Esc cancels.",
        "fr": "Cliquez pour ajouter des points ; cliquez le premier (ou Entrée) pour fermer. Échap annule.",
    },
    "editor.hint_line": {
        "en": "Click point A, then point B. The arrow shows the A→B direction.",
        "fr": "Cliquez le point A puis le point B. La flèche montre le sens A→B.",
    },
    "editor.hint_selected": {
        "en": "Drag points; click '+' on an edge to insert one; arrow keys move the focused point; Delete removes it.",
        "fr": "Glissez les points ; « + » sur un côté en insère un ; flèches pour déplacer ; Suppr pour effacer.",
    },
    "editor.zone": {"en": "Zone", "fr": "Zone"},
    "editor.line": {"en": "Line", "fr": "Ligne"},
    "editor.mask": {"en": "Privacy mask", "fr": "Masque de confidentialité"},
    "editor.name": {"en": "Name", "fr": "Nom"},
    "editor.camera": {"en": "Camera", "fr": "Caméra"},
    "editor.fps": {"en": "Analysis frames per second", "fr": "Images analysées par seconde"},
    "editor.tiles": {
        "en": "Detection tiles (small vehicles seen from high above; each tile costs one detection)",
        "fr": "Tuiles de détection (petits véhicules vus de haut ; chaque tuile coûte une détection)",
    },
    "editor.tiles_1": {"en": "Whole frame", "fr": "Image entière"},
    "editor.region": {"en": "Analysed region of the picture", "fr": "Partie de l'image analysée"},
    "editor.region_order": {"en": "left, top, right, bottom", "fr": "gauche, haut, droite, bas"},
    "editor.skills": {"en": "Skills", "fr": "Compétences"},
    "editor.add_skill": {"en": "Add skill", "fr": "Ajouter une compétence"},
    "editor.remove": {"en": "Remove", "fr": "Retirer"},
    "editor.kind": {"en": "Kind", "fr": "Type"},
    "editor.on": {"en": "On", "fr": "Sur"},
    "editor.default": {"en": "default", "fr": "défaut"},
    "editor.none": {"en": "(none)", "fr": "(aucun)"},
    "editor.alert": {"en": "Send to Security Center", "fr": "Envoyer à Security Center"},
    "editor.schedules": {"en": "Weekly schedules", "fr": "Plannings hebdomadaires"},
    "editor.add_schedule": {"en": "Add schedule", "fr": "Ajouter un planning"},
    "editor.add_window": {"en": "Add window", "fr": "Ajouter une plage"},
    "editor.timezone": {"en": "Time zone", "fr": "Fuseau horaire"},
    "editor.start": {"en": "From", "fr": "De"},
    "editor.end": {"en": "To", "fr": "À"},
    "editor.next_day": {"en": "(next day)", "fr": "(lendemain)"},
    "editor.always": {"en": "all day", "fr": "toute la journée"},
    "editor.save": {"en": "Save", "fr": "Enregistrer"},
    "editor.apply": {"en": "Apply to running analysis", "fr": "Appliquer à l'analyse en cours"},
    "editor.saved": {"en": "Saved as version {n}.", "fr": "Enregistré : version {n}."},
    "editor.applied": {
        "en": "Applied: {cameras} camera(s) reconfigured.",
        "fr": "Appliqué : {cameras} caméra(s) reconfigurée(s).",
    },
    "editor.restart_needed": {
        "en": "Needs a restart of the bridge: {sections}.",
        "fr": "Nécessite un redémarrage du bridge : {sections}.",
    },
    "editor.invalid": {
        "en": "Not saved: {count} problem(s), shown next to the fields.",
        "fr": "Non enregistré : {count} problème(s), indiqués à côté des champs.",
    },
    "editor.conflict": {
        "en": "Not saved: someone else saved this camera since you began. Both versions are kept: choose below.",
        "fr": "Non enregistré : quelqu'un a enregistré cette caméra depuis que vous avez commencé. Les deux versions sont gardées : choisissez ci-dessous.",
    },
    "editor.conflict_title": {"en": "Two versions of this camera", "fr": "Deux versions de cette caméra"},
    "editor.conflict_explained": {
        "en": "What your version changes from the one saved meanwhile:",
        "fr": "Ce que votre version change par rapport à celle enregistrée entre-temps :",
    },
    "editor.no_difference": {"en": "(no difference)", "fr": "(aucune différence)"},
    "editor.keep_mine": {
        "en": "Keep mine (Save then writes it over theirs)",
        "fr": "Garder la mienne (Enregistrer l'écrit alors par-dessus)",
    },
    "editor.take_theirs": {
        "en": "Take theirs (mine stays one Undo away)",
        "fr": "Prendre la leur (la mienne reste à un Annuler)",
    },
    "editor.kept_mine": {
        "en": "Your version is kept: Save to write it over theirs.",
        "fr": "Votre version est gardée : enregistrez pour l'écrire par-dessus.",
    },
    "editor.took_theirs": {
        "en": "Their version is shown; Undo brings yours back.",
        "fr": "Leur version est affichée ; Annuler ramène la vôtre.",
    },
    "editor.draft_restored": {
        "en": "Your unsaved changes of {at} ({zone}) were restored (kept in this browser until saved).",
        "fr": "Vos modifications non enregistrées du {at} ({zone}) ont été restaurées (gardées dans ce navigateur jusqu'à l'enregistrement).",
    },
    "editor.discard_draft": {"en": "Discard them", "fr": "Les abandonner"},
    "editor.apply_unsaved": {
        "en": "Save first: Apply runs the saved file, and this page has unsaved changes.",
        "fr": "Enregistrez d'abord : Appliquer exécute le fichier enregistré, et cette page a des modifications non enregistrées.",
    },
    "editor.apply_conflict": {
        "en": "Choose a version first: this page and the saved file differ.",
        "fr": "Choisissez d'abord une version : cette page et le fichier enregistré diffèrent.",
    },
    "editor.apply_not_shown": {
        "en": "Not applied: the saved file holds another version of this camera than this page. Reload to see it.",
        "fr": "Non appliqué : le fichier enregistré contient une autre version de cette caméra que cette page. Rechargez pour la voir.",
    },
    "editor.session_ended": {
        "en": "Your session ended; your changes are kept in this browser.",
        "fr": "Votre session a pris fin ; vos modifications sont gardées dans ce navigateur.",
    },
    "editor.log_in_again": {
        "en": "Log in again (new tab), then Save here.",
        "fr": "Reconnectez-vous (nouvel onglet), puis enregistrez ici.",
    },
    "editor.unsaved": {"en": "Unsaved changes", "fr": "Modifications non enregistrées"},
    "editor.days": {"en": "Mon Tue Wed Thu Fri Sat Sun", "fr": "Lun Mar Mer Jeu Ven Sam Dim"},
    "editor.per_class": {"en": "per class", "fr": "par classe"},
    "editor.live": {"en": "Live view", "fr": "Vue en direct"},
    "editor.live_stop": {"en": "Stop live view", "fr": "Arrêter le direct"},
    "editor.replay": {"en": "Replay the last hour", "fr": "Rejouer la dernière heure"},
    "editor.preview_note": {
        "en": "The draft as shown, before saving: nothing is sent to Security Center.",
        "fr": "Le brouillon tel qu'affiché, avant enregistrement : rien n'est envoyé à Security Center.",
    },
    "editor.replay_result": {
        "en": "{events} event(s) the draft would have raised over {frames} frames ({start} to {end}, {zone}).",
        "fr": "{events} événement(s) que le brouillon aurait levés sur {frames} images ({start} à {end}, {zone}).",
    },
    "editor.no_history": {
        "en": "No tracks recorded yet for this camera.",
        "fr": "Aucune piste enregistrée pour cette caméra.",
    },
    "editor.firing_now": {"en": "Would fire now", "fr": "Se déclencherait maintenant"},
    "editor.nothing_firing": {"en": "Nothing would fire now.", "fr": "Rien ne se déclencherait maintenant."},
    "editor.live_at": {"en": "Tracks at {at} ({zone})", "fr": "Pistes à {at} ({zone})"},
    "editor.other_problems": {"en": "Other problems", "fr": "Autres problèmes"},
    "editor.enabled": {"en": "On", "fr": "Activé"},
    "editor.switched_off": {
        "en": "Switched off: kept in the file, not analysed.",
        "fr": "Désactivé : gardé dans le fichier, non analysé.",
    },
    "editor.off_by_target": {
        "en": "Off: its {target} '{name}' is switched off.",
        "fr": "Désactivée : sa {target} « {name} » est désactivée.",
    },
    "editor.copy_title": {"en": "Copy to other cameras", "fr": "Copier vers d'autres caméras"},
    "editor.copy_what": {"en": "What", "fr": "Quoi"},
    "editor.copy_whole": {
        "en": "The whole camera (zones, lines, skills, frame rate, motion)",
        "fr": "Toute la caméra (zones, lignes, compétences, cadence, mouvement)",
    },
    "editor.copy_targets": {"en": "To", "fr": "Vers"},
    "editor.copy_suffix": {
        "en": "Name already used there: add with a suffix (Porch_2)",
        "fr": "Nom déjà pris : ajouter avec un suffixe (Porch_2)",
    },
    "editor.copy_replace": {
        "en": "Name already used there: replace theirs",
        "fr": "Nom déjà pris : remplacer celui de la caméra",
    },
    "editor.copy_preview": {"en": "Preview the copy", "fr": "Aperçu de la copie"},
    "editor.copy_do": {"en": "Copy", "fr": "Copier"},
    "editor.copy_nothing": {
        "en": "Choose what to copy and one camera or more.",
        "fr": "Choisissez quoi copier et au moins une caméra.",
    },
    "editor.copy_unsaved": {
        "en": "Save this camera first: a copy takes its saved version.",
        "fr": "Enregistrez d'abord cette caméra : la copie prend sa version enregistrée.",
    },
    "editor.copy_renamed": {"en": "Renamed: {items}", "fr": "Renommé : {items}"},
    "editor.copy_replaced": {"en": "Replaced: {items}", "fr": "Remplacé : {items}"},
    "editor.copy_shadow": {
        "en": "Starts in shadow there (the live decision was this camera's): {items}",
        "fr": "Démarre en observation (la décision de mise en service était pour cette caméra-ci) : {items}",
    },
    "editor.copy_no_change": {"en": "Nothing changes.", "fr": "Rien ne change."},
    "editor.copy_done": {
        "en": "Copied to {n} camera(s) as version {v}: apply to run it.",
        "fr": "Copié vers {n} caméra(s) : version {v}. Appliquez pour la mettre en service.",
    },
    "editor.copy_conflict": {
        "en": "A camera changed since the preview: preview again.",
        "fr": "Une caméra a changé depuis l'aperçu : refaites l'aperçu.",
    },
    "editor.copy_scaled": {
        "en": "Picture {target} (here {source}): shapes scaled to it (they are fractions of the picture).",
        "fr": "Image {target} (ici {source}) : formes mises à l'échelle (fractions de l'image).",
    },
    "editor.copy_stretched": {
        "en": "Picture {target} (here {source}), of another shape: shapes are stretched with it, check them.",
        "fr": "Image {target} (ici {source}), d'une autre forme : les formes sont étirées, vérifiez-les.",
    },
    "editor.copy_size_unknown": {
        "en": "Picture size unknown (no snapshot): shapes are copied as fractions of the picture.",
        "fr": "Taille d'image inconnue (pas d'instantané) : formes copiées en fractions de l'image.",
    },
}


# The review queue and figures of the trust loop, and the privacy documents.
MESSAGES.update(
    {
        "nav.review": {"en": "Review", "fr": "Revue"},
        "nav.privacy": {"en": "Privacy", "fr": "Vie privée"},
        "review.title": {"en": "Alerts to review", "fr": "Alertes à vérifier"},
        "review.keys": {"en": "One key per verdict:", "fr": "Une touche par verdict :"},
        "review.true": {"en": "true alert", "fr": "vraie alerte"},
        "review.false": {"en": "false alert", "fr": "fausse alerte"},
        "review.cannot_tell": {"en": "cannot tell", "fr": "impossible à dire"},
        "review.reason_prompt": {"en": "Why false?", "fr": "Pourquoi fausse ?"},
        "review.reason.wrong_class": {"en": "wrong object class", "fr": "mauvaise classe d'objet"},
        "review.reason.zone_edge_jitter": {
            "en": "box jitter at a zone edge",
            "fr": "boîte instable au bord d'une zone",
        },
        "review.reason.reflection_or_shadow": {"en": "reflection or shadow", "fr": "reflet ou ombre"},
        "review.reason.not_the_behaviour": {"en": "not the behaviour", "fr": "pas le comportement visé"},
        "review.reason.other": {"en": "other", "fr": "autre"},
        "review.escape": {"en": "(Esc cancels)", "fr": "(Échap annule)"},
        "review.verdict_failed": {
            "en": "The verdict was not recorded; try again.",
            "fr": "Le verdict n'a pas été enregistré ; réessayez.",
        },
        "review.read_only": {
            "en": "Read only: your role cannot give verdicts.",
            "fr": "Lecture seule : votre rôle ne permet pas de donner des verdicts.",
        },
        "review.empty": {"en": "No alert awaits a verdict.", "fr": "Aucune alerte n'attend de verdict."},
        "review.waiting": {"en": "Alerts awaiting a verdict:", "fr": "Alertes en attente de verdict :"},
        "review.snapshot_alt": {
            "en": "Current view of camera {camera}",
            "fr": "Vue actuelle de la caméra {camera}",
        },
        "review.snapshot_note": {
            "en": "The track drawn over the camera's view now: no image of the event is stored.",
            "fr": "La trajectoire tracée sur la vue actuelle de la caméra : aucune image de l'événement n'est conservée.",
        },
        "review.skill": {"en": "Skill", "fr": "Compétence"},
        "review.camera": {"en": "Camera", "fr": "Caméra"},
        "review.at": {"en": "When", "fr": "Quand"},
        "review.place": {"en": "Zone or line", "fr": "Zone ou ligne"},
        "review.class": {"en": "Object class", "fr": "Classe d'objet"},
        "review.dwell": {"en": "Dwell", "fr": "Présence"},
        "review.threshold": {"en": "threshold", "fr": "seuil"},
        "review.confidence": {"en": "Confidence", "fr": "Confiance"},
        "review.security_desk": {"en": "In Security Desk", "fr": "Dans Security Desk"},
        "review.desk_archive": {
            "en": "Archives task, camera {camera}, from {start} to {end}.",
            "fr": "Tâche Archives, caméra {camera}, de {start} à {end}.",
        },
        "review.desk_bookmark": {"en": "Bookmark to search:", "fr": "Signet à rechercher :"},
        "review.figures": {"en": "Figures per skill and camera", "fr": "Chiffres par compétence et caméra"},
        "review.figures_note": {
            "en": "Verdicts: true / false / cannot tell. The exact upper bound is one-sided at 95 %; Go live is offered when it is below the site's target.",
            "fr": "Verdicts : vraies / fausses / impossible à dire. La borne supérieure exacte est unilatérale à 95 % ; la mise en service est proposée quand elle est sous la cible du site.",
        },
        "review.mode": {"en": "Mode", "fr": "Mode"},
        "review.alerts": {"en": "Alerts", "fr": "Alertes"},
        "review.verdicts": {"en": "Verdicts", "fr": "Verdicts"},
        "review.rate": {"en": "False-alert rate", "fr": "Taux de fausses alertes"},
        "review.upper": {"en": "Exact upper bound (95 %)", "fr": "Borne supérieure exacte (95 %)"},
        "review.wilson": {"en": "Wilson interval (95 %)", "fr": "Intervalle de Wilson (95 %)"},
        "review.gate": {"en": "Promotion", "fr": "Mise en service"},
        "review.degraded": {"en": "degraded", "fr": "dégradée"},
        "review.gate_open": {"en": "gate open", "fr": "seuil atteint"},
        "review.gate_closed": {
            "en": "gate closed ({count} more true verdicts needed at least)",
            "fr": "seuil non atteint (au moins {count} vrais verdicts de plus)",
        },
        "review.go_live": {"en": "Go live", "fr": "Mettre en service"},
        "review.reason_without_gate": {
            "en": "Written reason for going live without the gate (audited)",
            "fr": "Raison écrite de la mise en service sans le seuil (auditée)",
        },
        "review.go_live_anyway": {"en": "Go live anyway", "fr": "Mettre en service malgré tout"},
        "review.reason_demote": {
            "en": "Written reason for going back to shadow (audited)",
            "fr": "Raison écrite du retour en observation (auditée)",
        },
        "review.back_to_shadow": {"en": "Back to shadow", "fr": "Retour en observation"},
        "review.mode_changed": {"en": "{skill} is now {mode}.", "fr": "{skill} est maintenant {mode}."},
        "privacy.title": {"en": "Privacy documents", "fr": "Documents vie privée"},
        "privacy.intro": {
            "en": "The register, the data protection impact sheets and the public notices of the running configuration, generated by the product.",
            "fr": "Le registre, les fiches d'analyse d'impact et les avis au public de la configuration en cours, produits par le logiciel.",
        },
        "privacy.download": {"en": "Download", "fr": "Télécharger"},
    }
)

# Labels of skill parameters; a parameter without one (a new one) is shown by its config key.
MESSAGES.update(
    {
        "field.name": {"en": "Skill name (optional)", "fr": "Nom de la compétence (facultatif)"},
        "field.classes": {"en": "Object classes", "fr": "Classes d'objets"},
        "field.min_confidence": {"en": "Minimum confidence", "fr": "Confiance minimale"},
        "field.class_min_confidence": {"en": "Minimum confidence", "fr": "Confiance minimale"},
        "field.anchor": {"en": "Point of the box tested", "fr": "Point de la boîte testé"},
        "field.schedule": {"en": "Schedule", "fr": "Planning"},
        "field.cooldown_s": {"en": "Cool-down between alerts (s)", "fr": "Délai entre deux alertes (s)"},
        "field.grace_s": {
            "en": "Grace after losing the object (s)",
            "fr": "Tolérance après perte de l'objet (s)",
        },
        "field.min_dwell_s": {"en": "Presence before the alert (s)", "fr": "Présence avant l'alerte (s)"},
        "field.class_min_dwell_s": {
            "en": "Presence before the alert (s)",
            "fr": "Présence avant l'alerte (s)",
        },
        "field.max_parking_s": {"en": "Parking allowed (s)", "fr": "Stationnement autorisé (s)"},
        "field.class_max_parking_s": {"en": "Parking allowed (s)", "fr": "Stationnement autorisé (s)"},
        "field.movement_tolerance": {"en": "Movement tolerance", "fr": "Tolérance de mouvement"},
        "field.min_presence_s": {"en": "Presence before the alert (s)", "fr": "Présence avant l'alerte (s)"},
        "field.direction": {"en": "Direction", "fr": "Sens"},
        "field.signal": {"en": "Traffic light signal", "fr": "Signal du feu"},
        "field.hysteresis": {"en": "Crossing margin", "fr": "Marge de franchissement"},
        "field.interval_s": {"en": "Count interval (s)", "fr": "Intervalle de comptage (s)"},
        "field.mode": {
            "en": "First mode (shadow: kept for review; live: raised)",
            "fr": "Mode de départ (observation : gardé pour revue ; en service : déclenché)",
        },
        "field.custom_event_id": {"en": "Custom event id", "fr": "Identifiant de l'événement personnalisé"},
        "field.custom_event_name": {"en": "Custom event name", "fr": "Nom de l'événement personnalisé"},
        "field.alarm": {"en": "Alarm to trigger", "fr": "Alarme à déclencher"},
        "field.bookmark": {"en": "Bookmark the video", "fr": "Signet sur la vidéo"},
        "field.phases": {"en": "Phases sent", "fr": "Phases envoyées"},
    }
)

# Error pages, confirmations and the server's refusals: a person never reads a raw status or a path.
MESSAGES.update(
    {
        "error.title": {"en": "Not done", "fr": "Non effectué"},
        "error.back": {"en": "Back to the cameras", "fr": "Retour aux caméras"},
        "error.detail": {"en": "Technical detail", "fr": "Détail technique"},
        "error.bad_request": {
            "en": "The request was not understood; go back and try again.",
            "fr": "La demande n'a pas été comprise ; revenez en arrière et réessayez.",
        },
        "error.login_first": {
            "en": "Your session ended: log in again.",
            "fr": "Votre session a pris fin : reconnectez-vous.",
        },
        "error.not_found": {"en": "This page does not exist.", "fr": "Cette page n'existe pas."},
        "error.method": {
            "en": "This address cannot be used that way; use the page's buttons.",
            "fr": "Cette adresse ne s'utilise pas ainsi ; utilisez les boutons de la page.",
        },
        "error.too_large": {"en": "What was sent is too large.", "fr": "L'envoi est trop volumineux."},
        "error.busy": {
            "en": "The box is busy; try again in {seconds} s.",
            "fr": "Le boîtier est occupé ; réessayez dans {seconds} s.",
        },
        "error.internal": {
            "en": "Something went wrong in the box; the bridge's log says what.",
            "fr": "Un problème est survenu dans le boîtier ; le journal du bridge dit lequel.",
        },
        "error.unknown_camera": {
            "en": "Security Center does not list this camera (any more).",
            "fr": "Security Center ne liste pas (ou plus) cette caméra.",
        },
        "error.no_version": {"en": "There is no version {n}.", "fr": "Il n'y a pas de version {n}."},
        "error.invalid_file": {
            "en": "Not done: the site file would not be valid.",
            "fr": "Non effectué : le fichier du site ne serait pas valide.",
        },
        "confirm.cancel": {"en": "Cancel", "fr": "Annuler"},
        "cameras.add_title": {"en": "Analyse camera {camera}?", "fr": "Analyser la caméra {camera} ?"},
        "cameras.add_explained": {
            "en": "The box adds this camera to the site file (a new version), with no zone and no skill yet, and"
            " opens it in the editor. Nothing is analysed until you apply.",
            "fr": "Le boîtier ajoute cette caméra au fichier du site (une nouvelle version), sans zone ni"
            " compétence pour l'instant, et l'ouvre dans l'éditeur. Rien n'est analysé avant d'appliquer.",
        },
        "cameras.already_analysed": {
            "en": "Camera {camera} is already analysed: open it to edit it.",
            "fr": "La caméra {camera} est déjà analysée : ouvrez-la pour la modifier.",
        },
        "cameras.open": {"en": "Open camera {camera}", "fr": "Ouvrir la caméra {camera}"},
        "versions.rollback_title": {
            "en": "Roll back to version {n}?",
            "fr": "Revenir à la version {n} ?",
        },
        "versions.rollback_explained": {
            "en": "The site file becomes version {n} again (with the passwords it holds now), saved as a new"
            " version: nothing is lost, and rolling forward is another rollback. The running analysis keeps"
            " its configuration until you apply.",
            "fr": "Le fichier du site redevient la version {n} (avec les mots de passe qu'il contient"
            " aujourd'hui), enregistrée comme une nouvelle version : rien n'est perdu, et revenir en avant"
            " est un autre retour. L'analyse en cours garde sa configuration jusqu'à ce que vous appliquiez.",
        },
        "versions.pending": {
            "en": "Next step: the saved file differs from the running analysis. Apply it to run it.",
            "fr": "Étape suivante : le fichier enregistré diffère de l'analyse en cours. Appliquez-le pour"
            " l'exécuter.",
        },
        "versions.applied": {
            "en": "Applied: {cameras} camera(s) reconfigured.",
            "fr": "Appliqué : {cameras} caméra(s) reconfigurée(s).",
        },
        "role.integrator": {"en": "integrator", "fr": "intégrateur"},
        "role.reviewer": {"en": "reviewer", "fr": "vérificateur"},
        "role.viewer": {"en": "viewer", "fr": "lecteur"},
        "mode.shadow": {"en": "shadow", "fr": "observation"},
        "mode.live": {"en": "live", "fr": "en service"},
        "editor.delete_used": {
            "en": "{shape} is used by {skills}. Delete it and these skills? (Undo brings them back.)",
            "fr": "{shape} est utilisée par {skills}. La supprimer avec ces compétences ? (Annuler les ramène.)",
        },
    }
)

# The values a form offers (skill kinds, object classes, options), by group and config value; the
# config value stays what is saved.
MESSAGES.update(
    {
        "label.kind.loitering": {"en": "loitering", "fr": "maraudage"},
        "label.kind.intrusion": {"en": "intrusion", "fr": "intrusion"},
        "label.kind.parking": {"en": "parking", "fr": "stationnement"},
        "label.kind.red_light": {"en": "red light", "fr": "feu rouge"},
        "label.kind.lane_misuse": {"en": "lane misuse", "fr": "usage de voie interdit"},
        "label.kind.counting": {"en": "counting", "fr": "comptage"},
        "label.class.person": {"en": "person", "fr": "personne"},
        "label.class.bicycle": {"en": "bicycle", "fr": "vélo"},
        "label.class.car": {"en": "car", "fr": "voiture"},
        "label.class.motorcycle": {"en": "motorcycle", "fr": "moto"},
        "label.class.bus": {"en": "bus", "fr": "bus"},
        "label.class.truck": {"en": "truck", "fr": "camion"},
        "label.option.bottom_center": {"en": "bottom centre", "fr": "bas, au centre"},
        "label.option.center": {"en": "centre", "fr": "centre"},
        "label.option.shadow": {"en": "shadow", "fr": "observation"},
        "label.option.live": {"en": "live", "fr": "en service"},
        "label.option.start": {"en": "start", "fr": "début"},
        "label.option.end": {"en": "end", "fr": "fin"},
        "label.option.instant": {"en": "instant", "fr": "instant"},
        "label.option.A->B": {"en": "A → B", "fr": "A → B"},
        "label.option.B->A": {"en": "B → A", "fr": "B → A"},
    }
)

# The review keys: each verdict's keys in each language (the first one shown on the buttons); the
# other language's keys work too, so a reviewer's habit survives a change of language.
VERDICT_KEYS: dict[str, dict[str, str]] = {
    "true": {"en": "t", "fr": "v"},
    "false": {"en": "f", "fr": "f"},
    "cannot_tell": {"en": "c", "fr": "?"},
}


# Accounts and sessions managed in the box, and the login throttle.
MESSAGES.update(
    {
        "nav.users": {"en": "Users", "fr": "Utilisateurs"},
        "nav.account": {"en": "My password", "fr": "Mon mot de passe"},
        "login.paused_everywhere": {
            "en": "Too many failed logins on this box from everywhere: every login waits {seconds} s.",
            "fr": "Trop d'échecs de connexion sur ce boîtier, toutes origines confondues : "
            "toute connexion attend {seconds} s.",
        },
        "login.paused_notice": {
            "en": "Logins are paused for everyone a moment: too many failed attempts on this box.",
            "fr": "Les connexions sont suspendues pour tous un instant : trop d'échecs sur ce boîtier.",
        },
        "users.title": {"en": "Users and sessions", "fr": "Utilisateurs et sessions"},
        "users.name": {"en": "Account", "fr": "Compte"},
        "users.role": {"en": "Role", "fr": "Rôle"},
        "users.role.integrator": {"en": "integrator", "fr": "intégrateur"},
        "users.role.reviewer": {"en": "reviewer", "fr": "vérificateur"},
        "users.role.viewer": {"en": "viewer", "fr": "lecteur"},
        "users.sessions": {"en": "Open sessions", "fr": "Sessions ouvertes"},
        "users.actions": {"en": "Password, removal", "fr": "Mot de passe, suppression"},
        "users.change_role": {"en": "Change role", "fr": "Changer de rôle"},
        "users.new_password": {"en": "New password", "fr": "Nouveau mot de passe"},
        "users.reset": {"en": "Reset password", "fr": "Réinitialiser"},
        "users.remove": {"en": "Remove…", "fr": "Supprimer…"},
        "users.remove_confirm": {"en": "Remove {name} for good", "fr": "Supprimer {name} définitivement"},
        "users.add": {"en": "Add an account", "fr": "Ajouter un compte"},
        "users.initial_password": {"en": "Initial password", "fr": "Mot de passe initial"},
        "users.password_rule": {"en": "12 characters at least.", "fr": "12 caractères au moins."},
        "users.add_button": {"en": "Add the account", "fr": "Ajouter le compte"},
        "users.sessions_title": {"en": "Sessions", "fr": "Sessions"},
        "users.address": {"en": "Address", "fr": "Adresse"},
        "users.opened": {"en": "Opened", "fr": "Ouverte"},
        "users.idle": {"en": "Idle", "fr": "Inactive depuis"},
        "users.idle_min": {"en": "{n} min", "fr": "{n} min"},
        "users.this_session": {"en": "this session", "fr": "cette session"},
        "users.end_session": {"en": "End", "fr": "Terminer"},
        "users.done.added": {"en": "Account added.", "fr": "Compte ajouté."},
        "users.done.removed": {
            "en": "Account removed; its sessions are ended.",
            "fr": "Compte supprimé ; ses sessions sont terminées.",
        },
        "users.done.role": {
            "en": "Role changed; the account's sessions are ended (it logs in again under its new role).",
            "fr": "Rôle changé ; les sessions du compte sont terminées (il se reconnecte sous son nouveau rôle).",
        },
        "users.done.reset": {
            "en": "Password reset; the account's sessions are ended.",
            "fr": "Mot de passe réinitialisé ; les sessions du compte sont terminées.",
        },
        "users.done.ended": {"en": "Session ended.", "fr": "Session terminée."},
        "account.title": {"en": "My password", "fr": "Mon mot de passe"},
        "account.current": {"en": "Current password", "fr": "Mot de passe actuel"},
        "account.new": {"en": "New password", "fr": "Nouveau mot de passe"},
        "account.repeat": {"en": "New password again", "fr": "Nouveau mot de passe, à nouveau"},
        "account.submit": {"en": "Change my password", "fr": "Changer mon mot de passe"},
        "account_error.bad_name": {
            "en": "'{name}' is not a valid account name (letters, digits, - _ .)",
            "fr": "« {name} » n'est pas un nom de compte valable (lettres, chiffres, - _ .)",
        },
        "account_error.exists": {
            "en": "Account '{name}' already exists.",
            "fr": "Le compte « {name} » existe déjà.",
        },
        "account_error.unknown": {
            "en": "There is no account '{name}'.",
            "fr": "Il n'y a pas de compte « {name} ».",
        },
        "account_error.short_password": {
            "en": "The password needs at least {length} characters.",
            "fr": "Le mot de passe doit compter au moins {length} caractères.",
        },
        "account_error.last_integrator": {
            "en": "'{name}' is the last integrator: nobody could manage the box without one.",
            "fr": "« {name} » est le dernier intégrateur : sans lui, personne ne pourrait gérer le boîtier.",
        },
        "account_error.role": {
            "en": "One of {roles} is expected.",
            "fr": "Un de ces rôles est attendu : {roles}.",
        },
        "account_error.repeat": {
            "en": "The two new passwords differ.",
            "fr": "Les deux nouveaux mots de passe diffèrent.",
        },
        "account_error.current": {
            "en": "This is not your current password.",
            "fr": "Ce n'est pas votre mot de passe actuel.",
        },
        "account.changed": {
            "en": "Password changed; your other sessions are ended.",
            "fr": "Mot de passe changé ; vos autres sessions sont terminées.",
        },
    }
)


# The traffic page's honest wording, and the 15-minute hand check (box/pages/hand_check.py).
MESSAGES.update(
    {
        "traffic.not_yet": {"en": "not yet", "fr": "pas encore"},
        "traffic.analysed": {"en": "({duration} analysed)", "fr": "({duration} analysées)"},
        "traffic.speeds": {"en": "Speeds on {day}", "fr": "Vitesses le {day}"},
        "traffic.no_speeds": {
            "en": "This camera has no ground calibration: it measures no speed (the share measured is 0 %).",
            "fr": "Cette caméra n'a pas de calibrage au sol : elle ne mesure aucune vitesse (part mesurée : 0 %).",
        },
        "traffic.vehicles": {"en": "Vehicles", "fr": "Véhicules"},
        "traffic.measured": {"en": "Share measured", "fr": "Part mesurée"},
        "traffic.mean_kmh": {"en": "Mean (km/h)", "fr": "Moyenne (km/h)"},
        "traffic.v85": {"en": "V85 (km/h)", "fr": "V85 (km/h)"},
        "traffic.movements": {"en": "Turning movements", "fr": "Mouvements directionnels"},
        "traffic.origin": {"en": "From line", "fr": "Depuis la ligne"},
        "traffic.no_origin": {"en": "no origin line", "fr": "aucune ligne d'origine"},
        "traffic.no_movements": {
            "en": "No turning movement counted this day (the line needs origin lines: origins).",
            "fr": "Aucun mouvement directionnel compté ce jour (la ligne a besoin de lignes d'origine : origins).",
        },
        "editor.ground_grid": {"en": "Ground grid", "fr": "Grille au sol"},
        "editor.ground_step": {"en": "Grid step", "fr": "Pas de la grille"},
        "editor.pixels_per_metre": {
            "en": "{line}: {ppm} pixels per metre across the line",
            "fr": "{line} : {ppm} pixels par mètre en travers de la ligne",
        },
        "editor.pixels_per_metre_low": {
            "en": "(below {min}: lengths, and so PL or VL, are not trusted here)",
            "fr": "(moins de {min} : les longueurs, donc PL ou VL, ne sont pas fiables ici)",
        },
        "hand_check.title": {"en": "Hand check of the counts", "fr": "Contrôle manuel des comptages"},
        "hand_check.explain": {
            "en": "Watch the camera (Security Desk or the live view) and press a key for each vehicle that"
            " crosses the line, by category and direction. The check starts at the next counting interval"
            " ({zone}) and lasts 15 minutes; the product's counts of the same window are then put beside"
            " yours.",
            "fr": "Regardez la caméra (Security Desk ou la vue en direct) et appuyez sur une touche pour chaque"
            " véhicule qui franchit la ligne, selon sa catégorie et son sens. Le contrôle commence au prochain"
            " intervalle de comptage ({zone}) et dure 15 minutes ; les comptages du produit sur la même"
            " fenêtre sont ensuite mis en regard des vôtres.",
        },
        "hand_check.start": {"en": "Start the check", "fr": "Commencer le contrôle"},
        "hand_check.start_link": {
            "en": "Start a 15-minute hand check of this point",
            "fr": "Commencer un contrôle manuel de 15 minutes sur ce point",
        },
        "hand_check.window": {
            "en": "Counting from {start} to {end} ({zone}).",
            "fr": "Comptage de {start} à {end} ({zone}).",
        },
        "hand_check.waiting": {
            "en": "Get ready: counting starts in",
            "fr": "Préparez-vous : le comptage commence dans",
        },
        "hand_check.counting": {"en": "Counting: time left", "fr": "Comptage en cours : temps restant"},
        "hand_check.over": {"en": "Time is up: comparing…", "fr": "Temps écoulé : comparaison…"},
        "hand_check.keys_help": {
            "en": "Keys S D F G H for direction A->B, X C V B N for B->A (the same on AZERTY and QWERTY"
            " keyboards), or tap the buttons; Backspace takes back the last one.",
            "fr": "Touches S D F G H pour le sens A->B, X C V B N pour B->A (les mêmes sur clavier AZERTY et"
            " QWERTY), ou touchez les boutons ; Retour arrière annule la dernière.",
        },
        "hand_check.undo": {"en": "Take back the last one", "fr": "Annuler la dernière"},
        "hand_check.settling": {
            "en": "Time is up: waiting for the product's counts of the whole window (committed every few"
            " seconds)…",
            "fr": "Temps écoulé : en attente des comptages du produit sur toute la fenêtre (enregistrés toutes"
            " les quelques secondes)…",
        },
        "hand_check.resumed": {
            "en": "This check was under way when the box restarted; your {taps} taps are kept. Continue, or"
            " abandon it.",
            "fr": "Ce contrôle était en cours au redémarrage de la configuration ; vos {taps} appuis sont"
            " conservés. Continuez, ou abandonnez-le.",
        },
        "hand_check.abandon": {"en": "Abandon the check", "fr": "Abandonner le contrôle"},
        "hand_check.away": {
            "en": "The box was away from {away} to {back}, before one whole counting interval was counted:"
            " the check was not kept.",
            "fr": "La configuration était indisponible de {away} à {back}, avant un intervalle de comptage"
            " entier : le contrôle n'a pas été conservé.",
        },
        "hand_check.stop": {"en": "Stop now (marked short)", "fr": "Arrêter maintenant (marqué court)"},
        "hand_check.discarded": {
            "en": "The check was stopped before one whole counting interval: nothing to compare, it was not"
            " kept.",
            "fr": "Le contrôle a été arrêté avant un intervalle de comptage entier : rien à comparer, il n'a"
            " pas été conservé.",
        },
        "hand_check.latest": {"en": "Latest hand check", "fr": "Dernier contrôle manuel"},
        "hand_check.none": {
            "en": "No hand check of this point yet.",
            "fr": "Aucun contrôle manuel de ce point pour l'instant.",
        },
        "hand_check.summary": {
            "en": "{start} ({zone}), {minutes} min, counted by {person}.",
            "fr": "{start} ({zone}), {minutes} min, compté par {person}.",
        },
        "hand_check.short": {"en": "Short: stopped early.", "fr": "Court : arrêté avant la fin."},
        "hand_check.category": {"en": "Category", "fr": "Catégorie"},
        "hand_check.by_hand": {"en": "By hand", "fr": "À la main"},
        "hand_check.by_product": {"en": "Product", "fr": "Produit"},
        "hand_check.error": {"en": "Error", "fr": "Écart"},
        "hand_check.interval": {"en": "95 % interval", "fr": "Intervalle à 95 %"},
        "hand_check.method": {
            "en": "Error: product / hand - 1. Interval: Wilson score on the product's share of both counts,"
            " as a ratio (conditional binomial for two Poisson counts); both counts see the same vehicles,"
            " so it is wider than the truth, never narrower.",
            "fr": "Écart : produit / main - 1. Intervalle : score de Wilson sur la part du produit dans les deux"
            " comptages, exprimée en rapport (binomiale conditionnelle de deux comptages de Poisson) ; les deux"
            " comptages voient les mêmes véhicules, il est donc plus large que la réalité, jamais plus étroit.",
        },
    }
)


# Camera groups and search, the review queue's filters, skip and undo, and the test event.
MESSAGES.update(
    {
        "cameras.search": {"en": "Search", "fr": "Rechercher"},
        "cameras.search_hint": {
            "en": "name, alias, group, skill or kind",
            "fr": "nom, alias, groupe, compétence ou type",
        },
        "cameras.search_count": {"en": "{shown} of {total} cameras", "fr": "{shown} caméras sur {total}"},
        "cameras.search_none": {"en": "No camera matches.", "fr": "Aucune caméra ne correspond."},
        "cameras.no_group": {"en": "Without a group", "fr": "Sans groupe"},
        "editor.other_camera": {"en": "Camera", "fr": "Caméra"},
        "review.filters": {"en": "Filters", "fr": "Filtres"},
        "review.filter_all": {"en": "all", "fr": "toutes"},
        "review.state": {"en": "Alerts", "fr": "Alertes"},
        "review.state_unreviewed": {"en": "unreviewed", "fr": "non revues"},
        "review.state_reviewed": {"en": "reviewed", "fr": "revues"},
        "review.from": {"en": "From", "fr": "Du"},
        "review.to": {"en": "To", "fr": "Au"},
        "review.apply_filters": {"en": "Show", "fr": "Afficher"},
        "review.clear_filters": {"en": "Clear filters", "fr": "Effacer les filtres"},
        "review.bad_filter": {"en": "Filter {name}: {problem}", "fr": "Filtre {name} : {problem}"},
        "review.skip": {"en": "skip", "fr": "passer"},
        "review.undo": {"en": "undo the last verdict", "fr": "annuler le dernier verdict"},
        "review.undone": {
            "en": "Verdict taken back: the alert is shown again.",
            "fr": "Verdict annulé : l'alerte est de nouveau affichée.",
        },
        "review.undo_failed": {
            "en": "The verdict could not be taken back: {error}",
            "fr": "Le verdict n'a pas pu être annulé : {error}",
        },
        "review.nothing_to_undo": {"en": "No verdict to undo.", "fr": "Aucun verdict à annuler."},
        "review.verdict_given": {"en": "Verdict", "fr": "Verdict"},
        "health.test_event": {
            "en": "Test the Security Center link",
            "fr": "Tester le lien avec Security Center",
        },
        "health.test_event_note": {
            "en": 'Sends one custom event named "{name}", marked as a test in its message and payload,'
            " through the outbox to Security Center, as an alert goes.",
            "fr": "Envoie un événement personnalisé nommé « {name} », marqué comme test dans son message et"
            " ses données, par la file d'envoi vers Security Center, comme une alerte.",
        },
        "health.test_event_send": {"en": "Send a test event", "fr": "Envoyer un événement de test"},
        "health.test_event_pending": {
            "en": "Test event {event} queued; waiting for Security Center…",
            "fr": "Événement de test {event} en file ; attente de Security Center…",
        },
        "health.test_event_delivered": {
            "en": "Delivered: Security Center accepted test event {event}.",
            "fr": "Remis : Security Center a accepté l'événement de test {event}.",
        },
        "health.test_event_refused": {
            "en": "Refused by Security Center (retried): {answer}",
            "fr": "Refusé par Security Center (nouvel essai prévu) : {answer}",
        },
        "health.test_event_parked": {
            "en": "Parked, not delivered: {answer}",
            "fr": "Mis de côté, non remis : {answer}",
        },
        "health.test_event_retrying": {
            "en": "Not delivered yet, retrying: {answer}",
            "fr": "Pas encore remis, nouvel essai : {answer}",
        },
        "health.test_event_failed": {
            "en": "The test event could not be sent: {error}",
            "fr": "L'événement de test n'a pas pu être envoyé : {error}",
        },
    }
)


def language(request: web.Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "en"


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text

    return t


def catalogue(lang: str, prefix: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in MESSAGES.items() if key.startswith(prefix)}


# Thousands separator and decimal mark per language: French writes 1 234,5 (a narrow no-break space)
# and 12,5 % (the same space before the sign).
_SEPARATORS = {"en": (",", "."), "fr": ("\u202f", ",")}
_PERCENT_SIGN = {"en": "%", "fr": "\u202f%"}


def number(lang: str, value: float | int | None, digits: int = 0) -> str:
    """`value` with `digits` decimals in the language's format; a dash when there is none."""
    if value is None:
        return "–"
    thousands, decimal = _SEPARATORS[lang]
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def percent(lang: str, share: float | None, digits: int = 1) -> str:
    """A share (0..1) as a percentage in the language's format; a dash when there is none."""
    return "–" if share is None else number(lang, share * 100, digits) + _PERCENT_SIGN[lang]
