# Interface de Qalam : français. Les messages absents sont affichés en anglais.

## Cadre de l’application

app-name = Qalam
app-tagline = Apprendre, même hors ligne
skip-to-content = Aller au contenu principal
nav-label = Menu principal
nav-library = Bibliothèque
nav-import = Importer des packs
nav-settings = Réglages
language-label = Langue
loading = Chargement…
retry = Réessayer
cancel = Annuler
close = Fermer
page-not-found-title = Page introuvable
page-not-found-body = Cette page n’existe pas. Retournez à la bibliothèque.
page-title = { $page } – Qalam

## Erreurs

error-title = Un problème est survenu
error-details = Détails
error-bad_request = La demande n’a pas été comprise.
error-not_found = Introuvable. L’élément a peut-être été supprimé.
error-pack_refused = Le pack a été refusé.
error-untrusted = L’éditeur de ce pack n’est pas reconnu comme fiable sur cet appareil.
error-disk_full = Le disque est plein. Supprimez des packs puis réessayez.
error-io = L’appareil n’a pas pu lire ou écrire un fichier.
error-internal = Une erreur interne s’est produite dans Qalam.
error-unauthenticated = Vous êtes déconnecté. Reconnectez-vous pour continuer.
error-forbidden = Ce profil n’a pas le droit de faire cela.
error-wrong_pin = Le mot de passe ou le code n’est pas bon.
error-slow_down = Trop d’essais erronés. Attendez un peu, puis réessayez.
error-not_yet = Ce n’est pas encore terminé.
error-conflict = C’est déjà fait.
error-interrupted = Cela s’est arrêté avant la fin. Réessayez pour continuer.
error-unavailable = Qalam ne répond pas. Vérifiez qu’il est lancé, puis réessayez.

## Bibliothèque

library-title = Bibliothèque
library-count =
    { $count ->
        [one] Un pack de cours
       *[other] { $count } packs de cours
    }
library-empty-title = Aucun pack de cours pour l’instant
library-empty-body = Les packs de cours arrivent sur des clés USB. Un animateur branche la clé et choisit « Importer des packs » en haut de l’écran.
library-empty-action = Importer des packs
pack-lessons =
    { $count ->
        [one] Une leçon
       *[other] { $count } leçons
    }
pack-quizzes =
    { $count ->
        [one] Un quiz
       *[other] { $count } quiz
    }
pack-size = Taille
pack-subject = Matière
pack-level = Niveau
pack-version = Version
pack-publisher = Éditeur
pack-languages = Langues
pack-installed = Installé le
pack-untrusted = Non vérifié
pack-untrusted-help = Ce pack a été importé sans la signature d’un éditeur de confiance.
pack-open = Ouvrir le pack

## Matières et niveaux

subject-digital-skills = Compétences numériques
subject-language = Langue
subject-numeracy = Calcul
subject-literacy = Lecture et écriture
subject-science = Sciences
subject-life-skills = Compétences de vie
subject-health = Santé
level-beginner = Débutant
level-intermediate = Intermédiaire
level-advanced = Avancé

## Pack

pack-back = Retour à la bibliothèque
pack-lessons-title = Leçons
lesson-number = Leçon { $n }
lesson-kind-html = Lecture
lesson-kind-markdown = Lecture
lesson-kind-pdf = Document (PDF)
lesson-kind-video = Vidéo
lesson-kind-audio = Écoute
lesson-duration =
    { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }
lesson-has-quiz = Avec un quiz
pack-remove = Supprimer ce pack
pack-remove-confirm = Supprimer « { $title } » de cet appareil ?
pack-remove-yes = Oui, le supprimer
pack-removed = Le pack a été supprimé.

## Leçon

lesson-back = Retour aux leçons
lesson-position = Leçon { $n } sur { $total }
lesson-prev = Leçon précédente
lesson-next = Leçon suivante
lesson-pdf-open = Ouvrir le document
lesson-pdf-help = Le document s’ouvre dans la visionneuse de documents.
lesson-media-fallback = Cet appareil ne peut pas lire ce fichier.
lesson-not-found = Cette leçon ne fait plus partie du pack.
lesson-last = C’est la dernière leçon du pack.

## Importation

import-title = Importer des packs de cours
import-intro = Branchez une clé USB contenant des packs de cours. Cette liste se met à jour toute seule.
import-scanning = Recherche de clés USB…
import-no-sources = Aucune clé USB avec des packs de cours n’a été trouvée. Branchez-en une, ou saisissez un chemin ci-dessous.
import-source-packs =
    { $count ->
        [one] Un pack sur cette clé
       *[other] { $count } packs sur cette clé
    }
import-select-all = Tout sélectionner
import-pack-error = Ce fichier ne peut pas être lu comme un pack de cours.
import-pack-version = Version { $version }
import-path-title = Un autre emplacement sur cet appareil
import-path-label = Chemin d’un fichier de pack ou d’un dossier de packs
import-path-add = Ajouter
import-path-remove = Retirer
import-paths-extra = Chemins ajoutés
import-allow-untrusted = Autoriser les packs d’éditeurs non vérifiés
import-untrusted-warning = Attention : personne n’a vérifié qui a fait les packs non vérifiés. Importez-les seulement si vous connaissez la provenance de cette clé et lui faites confiance.
import-start =
    { $count ->
        [0] Importer
        [one] Importer un pack
       *[other] Importer { $count } packs
    }
import-none-selected = Sélectionnez au moins un pack à importer.
import-progress-label = Progression de l’importation
import-progress-done = { $percent } terminé
import-current = Importation en cours : { $file }
import-running = Importation…
import-finished = L’importation est terminée.
import-results = Résultats
import-results-summary =
    { $count ->
        [one] Un résultat
       *[other] { $count } résultats
    }
import-go-library = Aller à la bibliothèque
outcome-installed = Installé
outcome-updated = Mis à jour
outcome-unchanged = Déjà à jour
outcome-refused = Refusé
outcome-interrupted = Interrompu

## Réglages

settings-title = Réglages
settings-language-title = Langue
settings-language-help = La langue des écrans. Les leçons s’affichent dans cette langue quand le pack la propose.
settings-trust-title = Éditeurs de confiance
settings-trust-help = Les packs signés par ces éditeurs sont importés sans avertissement.
settings-trust-empty = Aucun éditeur de confiance pour l’instant.
settings-trust-key = Clé
settings-trust-name = Nom
settings-trust-added = Ajouté le
settings-trust-add-title = Ajouter un éditeur de confiance
settings-trust-add-key = Clé publique : collez le texte du fichier .pub de l’éditeur
settings-trust-add-name = Nom (facultatif)
settings-trust-add-button = Ajouter l’éditeur
settings-trust-add-empty = Collez d’abord une clé publique.
settings-trust-added-ok = L’éditeur { $key } est maintenant de confiance.
settings-about-title = À propos
settings-about-version = Version de Qalam
settings-about-ui = Version des écrans
settings-about-data = Dossier des données
settings-about-transport = Connexion

## USB stick notice, shown on every screen but Import
usb-banner =
    { $count ->
        [one] Une clé USB avec un pack de cours est branchée.
       *[other] Une clé USB avec { $count } packs de cours est branchée.
    }
usb-banner-import = Importer
usb-banner-dismiss = Pas maintenant

## Why a pack was not imported
import-details = Détails
import-reason-not_found = Le fichier ou le dossier est introuvable. Vérifiez que la clé USB est branchée.
import-reason-invalid_pack = Ce fichier est abîmé ou a été modifié. Ne l’utilisez pas : demandez une nouvelle copie à l’éditeur.
import-reason-untrusted = L’éditeur de ce pack n’est pas reconnu sur cet appareil. Ajoutez sa clé dans les Réglages, ou autorisez les éditeurs non reconnus si vous êtes sûr de sa provenance.
import-reason-version_conflict = Une version plus récente de ce cours, ou une autre copie de la même version, est déjà installée.
import-reason-disk_full = Il n’y a pas assez d’espace libre sur cet ordinateur. Supprimez des cours inutilisés, puis réessayez.
import-reason-interrupted = La clé USB a été retirée pendant l’importation. Rebranchez-la et importez à nouveau : le travail déjà fait est conservé.
import-reason-device_error = L’ordinateur n’a pas pu enregistrer le cours. Réessayez ; si cela recommence, demandez de l’aide.

## Connexion de l’animateur

signin-title = Connexion de l’animateur
signin-intro-import = Seul un animateur peut importer des packs de cours. Choisissez votre nom, puis tapez votre mot de passe ou votre code.
signin-intro-settings = Seul un animateur peut modifier ces réglages. Choisissez votre nom, puis tapez votre mot de passe ou votre code.
signin-pick = Qui êtes-vous ?
signin-pin-label = Mot de passe ou code
signin-pin-help = Les chiffres peuvent être tapés dans n’importe quelle écriture : 123, ١٢٣ ou ۱۲۳.
signin-submit = Se connecter
signin-busy = Connexion…
signin-other-profile = Choisir un autre nom
signin-wrong-pin = Ce mot de passe ou ce code n’est pas bon. Vérifiez-le et réessayez.
signin-slow-down =
    { $seconds ->
        [one] Trop d’essais erronés. Attendez une seconde, puis réessayez.
       *[other] Trop d’essais erronés. Attendez { $seconds } secondes, puis réessayez.
    }
signin-forbidden = Ce profil ne peut pas gérer les packs de cours. Seuls les animateurs le peuvent.
signin-not-found = Ce profil n’est plus sur l’appareil. Choisissez à nouveau.
signin-no-profiles = Il n’y a encore aucun profil sur cet appareil. Un compte d’animateur se crée avec la commande qalam.
session-signed-in-as = Connecté :
session-sign-out = Se déconnecter
nav-progress = Mes progrès
nav-learners = Apprenants
forbidden-title = Réservé aux animateurs
forbidden-body = Cet écran est réservé aux animateurs. Demandez de l’aide à un animateur.

## Choix du profil (écran d’accueil) et connexion

picker-title = Qui apprend aujourd’hui ?
picker-intro = Trouvez votre image et votre nom, puis appuyez dessus.
picker-search = Trouver mon nom
picker-search-none = Aucun nom ne correspond. Vérifiez l’orthographe ou videz la case.
picker-ended-idle = Vous avez été déconnecté car personne n’a utilisé l’ordinateur depuis un moment. Votre travail est enregistré.
picker-ended-expired = Votre session est terminée. Votre travail est enregistré. Choisissez votre nom pour continuer.
picker-db-notice = Le travail enregistré sur cet ordinateur doit être vérifié. Vous pouvez continuer à apprendre. Prévenez votre animateur, s’il vous plaît.
picker-db-facilitator = Animateurs : vérifiez la base de données dans les Réglages
signin-intro-learners = Seul un animateur peut gérer les apprenants. Choisissez votre nom, puis tapez votre mot de passe.
signin-pin-label-learner = Votre code
signin-pictures-label = Appuyez sur vos quatre images dans l’ordre
signin-wrong-pictures = Ces images ne sont pas les bonnes. Réessayez.
signin-slow-down-over = Vous pouvez réessayer maintenant.
signin-forbidden-password = Ce compte d’animateur n’a pas encore de mot de passe. Définissez-en un avec la commande qalam.
pinpad-label = Pavé numérique
pinpad-erase = Effacer le dernier chiffre
pictures-chosen =
    { $count ->
        [0] Aucune image choisie, { $total } à choisir.
        [one] { $count } image choisie sur { $total }.
       *[other] { $count } images choisies sur { $total }.
    }
pictures-erase = Effacer la dernière image
picture-sun = Soleil
picture-tree = Arbre
picture-cat = Chat
picture-fish = Poisson
picture-star = Étoile
picture-house = Maison
picture-apple = Pomme
picture-bird = Oiseau
picture-flower = Fleur

## Étudier une leçon

study-title = Vos progrès dans cette leçon
study-completed = Leçon terminée
study-rule-viewed = Lisez la leçon jusqu’au bout, puis appuyez sur « J’ai fini de lire ».
study-rule-played = Regardez ou écoutez jusqu’au bout pour terminer cette leçon.
study-rule-time = Temps passé sur cette leçon : { $done } sur { $needed } minutes.
study-rule-quiz = Réussissez le quiz pour terminer cette leçon.
study-resumed = Vous reprenez là où vous vous étiez arrêté ({ $percent }).
study-saving = Enregistrement…
study-saved = Enregistré
study-finished-reading = J’ai fini de lire
study-mark-done = J’ai terminé
study-not-yet = Pas encore : passez encore un peu de temps sur cette leçon.
study-take-quiz = Faire le quiz
study-quiz-again = Refaire le quiz

## Quiz

quiz-title = Quiz
quiz-back = Retour à la leçon
quiz-unsupported = Le Qalam de cet ordinateur ne peut pas encore afficher les questions. Demandez à un animateur de mettre Qalam à jour.
quiz-intro =
    { $count ->
        [one] Une question. Vous réussissez avec { $needed }.
       *[other] { $count } questions. Vous réussissez avec { $needed }.
    }
quiz-start = Commencer le quiz
quiz-question-of = Question { $n } sur { $total }
quiz-progress-label = Questions répondues
quiz-choose-one = Choisissez une réponse.
quiz-choose-many = Choisissez toutes les bonnes réponses.
quiz-your-number = Votre réponse (un nombre)
quiz-number-help = Vous pouvez taper 45, ٤٥ ou ۴۵.
quiz-your-answer = Votre réponse
quiz-check = Vérifier ma réponse
quiz-right = Juste !
quiz-wrong = Pas juste.
quiz-next = Question suivante
quiz-see-result = Voir mon résultat
quiz-score = Votre score
quiz-correct-of = { $correct } réponses justes sur { $total }.
quiz-passed = Bravo ! Vous avez réussi ce quiz.
quiz-mastered-before = Vous aviez déjà réussi ce quiz.
quiz-not-passed = Il faut { $needed } pour réussir. Relisez la leçon, puis réessayez.
quiz-best = Votre meilleur score : { $score }
quiz-lessons-completed =
    { $count ->
        [one] Une leçon est maintenant terminée.
       *[other] { $count } leçons sont maintenant terminées.
    }
quiz-course-completed = Vous avez terminé tout le cours !
quiz-retry = Réessayer

## Mes progrès

progress-title = Mes progrès
progress-intro = Ce que { $name } a fait, et la suite.
progress-next-title = Que faire maintenant
progress-next-continue = Continuez :
progress-next-quiz = Faites le quiz de :
progress-next-start = Commencez :
progress-go-continue = Continuer
progress-go-quiz = Faire le quiz
progress-go-start = Commencer
progress-no-courses = Il n’y a pas encore de cours sur cet ordinateur.
progress-all-done = Vous avez tout terminé. Bravo !
progress-course-done = Cours terminé
progress-lessons-done = { $done } leçons terminées sur { $total }
progress-status-done = Terminée
progress-status-quiz = Quiz à réussir
progress-status-started = Commencée
progress-status-todo = Pas commencée
progress-minutes =
    { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }
progress-quiz-mastered = Quiz réussi
progress-quiz-best = Quiz : meilleur score { $score }
progress-quiz-todo = Quiz pas encore fait

## Apprenants (animateurs)

learners-title = Apprenants
learners-intro = Toutes les personnes qui utilisent cet ordinateur. Les apprenants choisissent leur nom sur l’écran d’accueil.
learners-list-title = Profils
learners-role-learner = Apprenant
learners-role-facilitator = Animateur
learners-signin-none = Sans code
learners-signin-pin = Code
learners-signin-pictures = Mot de passe en images
learners-signin-password = Mot de passe
learners-rename = Renommer
learners-reset = Nouveau code ou images
learners-archive = Archiver
learners-new-name = Nouveau nom
learners-save = Enregistrer
learners-archive-confirm = Archiver « { $name } » ? Le nom disparaît de l’écran d’accueil ; les progrès sont conservés.
learners-archive-yes = Oui, archiver
learners-archived =
    { $count ->
        [one] Un profil archivé
       *[other] { $count } profils archivés
    }
learners-add-title = Ajouter un apprenant
learners-name = Nom
learners-colour = Couleur de l’image
learners-facilitator = Cette personne est animateur (peut importer des packs et gérer les apprenants)
learners-password = Mot de passe (6 à 64 caractères)
learners-password-rule = Le mot de passe d’un animateur a de 6 à 64 caractères.
learners-signin-how = Comment cette personne se connecte-t-elle ?
learners-kind-pin = Avec un code
learners-kind-pictures = Avec des images
learners-kind-none = Sans code
learners-pin = Code (4 à 6 chiffres)
learners-new-pin = Nouveau code (4 à 6 chiffres)
learners-pin-help = Les chiffres peuvent être tapés dans toute écriture : 1234, ١٢٣٤ ou ۱۲۳۴.
learners-pin-rule = Un code a de 4 à 6 chiffres.
learners-pictures-help = Choisissez quatre images dans l’ordre. Dites à l’apprenant lesquelles, dans cet ordre.
learners-pictures-rule = Choisissez quatre images.
learners-none-help = Tout le monde peut ouvrir ce profil depuis l’écran d’accueil.
learners-name-rule = Tapez un nom.
learners-add = Ajouter
learners-added = { $name } a été ajouté.
learners-renamed = Le nom est maintenant { $name }.
learners-reset-done = La connexion de { $name } a changé.
learners-archived-done = { $name } a été archivé.
colour-red = Rouge
colour-orange = Orange
colour-green = Vert
colour-teal = Bleu-vert
colour-blue = Bleu
colour-purple = Violet
colour-pink = Rose
colour-brown = Marron
colour-grey = Gris
colour-black = Noir

## Progrès du centre (animateurs)

centre-title = Progrès du centre
centre-intro = Tous les profils de cet ordinateur et leurs cours.
centre-back = Retour aux apprenants
centre-show-archived = Afficher les profils archivés
centre-col-learner = Nom
centre-col-course = Cours
centre-col-lessons = Leçons terminées
centre-col-time = Temps d’étude
centre-col-quizzes = Quiz réussis
centre-col-best = Meilleur score
centre-archived = Archivé
centre-completed = Terminé
centre-not-started = Aucun cours commencé
centre-lessons-of = { $done } sur { $total }
centre-minutes =
    { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }
centre-quizzes-of = { $mastered } sur { $total }

## Errors of sync and enrolment
error-not_enrolled = Cet appareil n’est pas encore relié à un serveur de centre.
error-already_enrolled = Cet appareil est déjà relié à un serveur de centre.
error-bad_address = Ce n’est pas une adresse de serveur. Écrivez-la ainsi : http://10.0.0.5:7878.
error-server_unreachable = Le serveur du centre est injoignable. Vérifiez l’adresse et le réseau, puis réessayez.
error-enrol_code_refused = Le serveur n’a pas accepté ce code d’inscription. Il est peut-être mal saisi, déjà utilisé ou expiré : demandez-en un nouveau.
error-server_refused = Le serveur du centre a refusé cet appareil. Demandez à l’administrateur du serveur.
error-server_version = Le serveur du centre utilise une autre version de Qalam. Mettez à jour la plus ancienne.
error-sync_failed = La synchronisation s’est arrêtée avant la fin. Réessayez.

## Settings: sync with the campus server
sync-title = Synchronisation avec le serveur du centre
sync-help = Le travail enregistré sur cet appareil part vers le serveur du centre, et celui des autres appareils du centre revient, dès que le serveur est joignable.
sync-state-syncing = Synchronisation en cours…
sync-state-never = Pas encore synchronisé.
sync-state-synced = La dernière synchronisation a réussi.
sync-state-failed = La dernière synchronisation n’a pas abouti.
sync-error-server_unreachable = Le serveur du centre est injoignable. Qalam réessaiera tout seul.
sync-error-server_refused = Le serveur du centre a refusé cet appareil. Demandez à l’administrateur du serveur.
sync-error-server_version = Le serveur du centre utilise une autre version de Qalam. Mettez à jour la plus ancienne.
sync-error-sync_failed = La synchronisation s’est arrêtée avant la fin. Qalam réessaiera tout seul.
sync-error-not_enrolled = Cet appareil n’est pas relié à un serveur de centre.
sync-error-internal = Un problème est survenu sur cet appareil pendant la synchronisation.
sync-server = Serveur
sync-last-sync = Dernière synchronisation
sync-last-attempt = Dernier essai
sync-never = Jamais
sync-waiting = En attente d’envoi
sync-waiting-count =
    { $count ->
        [0] Rien
        [one] Un enregistrement
       *[other] { $count } enregistrements
    }
sync-sent = Envoyé par la dernière synchronisation
sync-received = Reçu par la dernière synchronisation
sync-none-yet = Rien pour l’instant
sync-exchanged = Enregistrements échangés
sync-exchanged-count = { $sent } envoyés, { $received } reçus
sync-clock = Horloge
sync-clock-ok = À l’heure du serveur
sync-clock-ahead = L’horloge de cet appareil avance de { $amount } sur celle du serveur.
sync-clock-behind = L’horloge de cet appareil retarde de { $amount } sur celle du serveur.
sync-now = Synchroniser maintenant
sync-running = Synchronisation…
sync-next = Prochaine synchronisation automatique { $when }.
sync-enrol-title = Relier cet appareil au serveur du centre
sync-enrol-help = Demandez à l’administrateur du serveur son adresse et un code d’inscription à usage unique.
sync-enrol-server = Adresse du serveur
sync-enrol-server-example = Par exemple : http://10.0.0.5:7878
sync-enrol-code = Code d’inscription
sync-enrol-button = Relier
sync-enrol-working = Connexion…
sync-enrol-empty = Saisissez l’adresse du serveur et le code d’inscription.
sync-enrolled-ok = Cet appareil est maintenant relié à { $server }. La première synchronisation a commencé.
sync-stick-title = Ou inscrire l’appareil avec un fichier sur une clé USB
sync-stick-help = Sans liaison avec le serveur du centre, son administrateur peut écrire un fichier d’inscription sur une clé USB. Branchez la clé, choisissez-la et inscrivez l’appareil : aucun réseau n’est nécessaire.
sync-stick-has-file = Un fichier d’inscription se trouve sur cette clé.
sync-stick-no-file = Aucun fichier d’inscription trouvé sur cette clé.
sync-stick-server = Utiliser une autre adresse de serveur
sync-stick-server-help = Seulement si le fichier ne nomme aucun serveur, ou si l’adresse du serveur a changé. Sinon, laissez vide.
sync-stick-button = Inscrire avec cette clé
sync-stick-working = Inscription…
sync-stick-done = Cet appareil est maintenant inscrit auprès de { $centre }.
sync-stick-done-server = Il se synchronise avec { $server }. La première synchronisation termine l’inscription.
sync-stick-done-no-server = Le fichier ne nomme aucun serveur : transportez le travail sur une clé USB (plus bas). Le premier fichier de synchronisation que le serveur du centre charge termine l’inscription.
sync-stick-delete = Supprimez maintenant { $file } de la clé USB : il contient le code d’inscription, et quelqu’un d’autre pourrait s’en servir.
sync-server-none = Aucun
sync-no-server = Cet appareil n’a pas d’adresse de serveur. Transportez son travail sur une clé USB (plus bas).

## Settings: the database
db-title = Base de données
db-help = Qalam vérifie sa base de données à chaque démarrage.
db-ok = La base de données est saine.
db-checking = Vérification de la base de données…
db-unchecked = La base de données n’a pas encore été vérifiée.
db-damaged = La base de données est endommagée.
db-damaged-help = Les apprenants peuvent continuer, mais une partie du travail peut manquer jusqu’à la réparation.
db-problems = Ce que la vérification a trouvé
db-backups = Sauvegardes utilisables pour une réparation
db-took = Durée de la dernière vérification
db-took-value = { $seconds } s
db-repair = Réparer la base de données
db-repair-confirm = La réparation reconstruit la base de données à partir de la sauvegarde la plus récente et de tout enregistrement encore lisible. Les fichiers endommagés sont gardés dans un dossier à part. Cela peut prendre une minute, pendant laquelle les autres attendent. Réparer maintenant ?
db-repair-yes = Oui, réparer maintenant
db-repairing = Réparation de la base de données…
db-repair-steps = Ce que la réparation a fait
db-repaired-ok = La base de données est réparée et vérifiée.
db-repaired-problems = La réparation est terminée, mais la vérification trouve encore des problèmes :

## Settings: sync by USB stick
usb-sync-title = Synchronisation par clé USB
usb-sync-help = Quand le serveur du centre est injoignable, transportez le travail sur une clé USB : enregistrez le fichier de synchronisation de cet appareil sur la clé et importez-le sur le serveur ; rapportez ensuite le fichier que le serveur écrit pour cet appareil et chargez-le ici.
usb-sync-no-stick = Aucune clé USB trouvée. Branchez-en une : elle apparaît ici toute seule.
usb-sync-choose = Clé USB
usb-sync-save = Enregistrer le fichier de synchronisation sur la clé
usb-sync-saving = Enregistrement du fichier de synchronisation…
usb-sync-saved =
    { $count ->
        [0] Fichier de synchronisation enregistré ({ $size }). Rien de nouveau à envoyer : le serveur a déjà tous les enregistrements de cet appareil.
        [one] Fichier de synchronisation enregistré avec un enregistrement ({ $size }).
       *[other] Fichier de synchronisation enregistré avec { $count } enregistrements ({ $size }).
    }
usb-sync-saved-next = Apportez la clé au serveur du centre et importez-y le fichier.
usb-sync-files = Fichiers de synchronisation sur cette clé
usb-sync-no-files = Pas encore de fichier de synchronisation sur cette clé.
usb-sync-file-ready = Du serveur du centre, pour cet appareil. Prêt à charger.
usb-sync-file-outgoing = Fait sur cet appareil. Apportez-le au serveur du centre.
usb-sync-refused-bundle_tampered = Ce fichier a été modifié ou abîmé après son écriture. Il ne peut pas être chargé : écrivez-le à nouveau.
usb-sync-refused-bundle_other_org = Ce fichier appartient à une autre organisation. Il ne peut pas être chargé ici.
usb-sync-refused-bundle_other_device = Ce fichier est destiné à un autre appareil. Chargez-le sur cet appareil-là.
usb-sync-refused-bundle_unreadable = Ce n’est pas un fichier de synchronisation Qalam, ou il vient d’une version plus récente de Qalam.
usb-sync-refused-not_enrolled = Cet appareil n’est pas encore relié à un serveur de centre : il ne peut pas vérifier les fichiers de synchronisation.
usb-sync-refused-other = Ce fichier ne peut pas être chargé ici.
usb-sync-load = Charger
usb-sync-load-file = Charger { $file }
usb-sync-loading = Chargement du fichier de synchronisation…
usb-sync-loaded =
    { $count ->
        [0] Chargé. Rien de nouveau : cet appareil avait déjà tout son contenu.
        [one] Un nouvel enregistrement chargé ({ $known } déjà présents).
       *[other] { $count } nouveaux enregistrements chargés ({ $known } déjà présents).
    }
usb-sync-peers-help = Les ordinateurs portables de ce centre peuvent aussi se passer le travail sans le serveur : enregistrez ici un fichier pour les autres ordinateurs, puis chargez-le sur un autre ordinateur de ce centre.
usb-sync-save-peers = Enregistrer un fichier pour les autres ordinateurs
usb-sync-saving-peers = Enregistrement du fichier pour les autres ordinateurs…
usb-sync-saved-peers =
    { $count ->
        [0] Fichier pour les autres ordinateurs enregistré ({ $size }). Il ne contient encore aucun enregistrement.
        [one] Fichier pour les autres ordinateurs enregistré avec un enregistrement ({ $size }).
       *[other] Fichier pour les autres ordinateurs enregistré avec { $count } enregistrements ({ $size }).
    }
usb-sync-saved-peers-next = Branchez la clé sur un autre ordinateur de ce centre. Là-bas, ouvrez les Réglages et appuyez sur « Charger » à côté de ce fichier.
usb-sync-file-ready-peers = D’un autre ordinateur de ce centre. Prêt à charger.
usb-sync-file-outgoing-peers = Fait sur cet ordinateur pour les autres ordinateurs de ce centre. Chargez-le sur l’un d’eux.
usb-sync-refused-bundle_other_centre = Ce fichier vient d’un ordinateur d’un autre centre. Les ordinateurs ne se passent des fichiers qu’au sein de leur propre centre.
usb-sync-refused-not_certified = Cet ordinateur ne peut pas encore vérifier les fichiers des autres ordinateurs. Synchronisez-le d’abord une fois avec le serveur du centre, par le réseau ou avec une clé USB.
error-stick_missing = La clé USB n’est plus là. Rebranchez-la et choisissez-la à nouveau.
error-bundle_tampered = Ce fichier de synchronisation a été modifié ou abîmé après son écriture. Rien n’a été chargé : écrivez-le à nouveau.
error-bundle_other_org = Ce fichier de synchronisation appartient à une autre organisation. Rien n’a été chargé.
error-bundle_other_device = Ce fichier de synchronisation est destiné à un autre appareil. Rien n’a été chargé.
error-bundle_own = Ce fichier de synchronisation a été fait sur cet appareil. Apportez-le plutôt au serveur du centre.
error-bundle_unreadable = Ce n’est pas un fichier de synchronisation Qalam, ou il vient d’une version plus récente de Qalam. Rien n’a été chargé.
error-bundle_other_centre = Ce fichier de synchronisation vient d’un ordinateur d’un autre centre. Rien n’a été chargé.
error-not_certified = Cet ordinateur doit d’abord se synchroniser une fois avec le serveur du centre : par le réseau, ou par un aller-retour avec une clé USB (enregistrer son fichier, l’importer sur le serveur, puis charger ici le fichier du serveur). Réessayez ensuite.
error-enrolment_file_missing = Il n’y a pas de fichier d’inscription sur cette clé USB. Demandez à l’administrateur du serveur du centre d’en écrire un dessus.
error-enrolment_file_bad = Ce n’est pas un fichier d’inscription Qalam, ou il vient d’une version plus récente de Qalam. Demandez-en un nouveau à l’administrateur.

## Settings: course packs from the campus server
catalogue-title = Packs de cours du serveur
catalogue-help = Le serveur du centre propose les packs de cours de votre organisation. Téléchargez-les ici : chacun est vérifié avant d’être installé, comme un pack venu d’une clé USB.
catalogue-not-enrolled = Cet appareil n’est pas encore relié à un serveur de centre. Reliez-le dans « Synchronisation avec le serveur du centre » ci-dessus, et les packs de cours du serveur apparaîtront ici.
catalogue-offline = Le serveur du centre est injoignable pour l’instant. Vérifiez le réseau, puis réessayez.
catalogue-empty = Le serveur du centre ne propose pas encore de pack de cours.
catalogue-version = Version { $version }
catalogue-installed = Installé
catalogue-not-installed = Pas sur cet appareil
catalogue-update = Mise à jour disponible (la version { $installed } est installée)
catalogue-downloading = Téléchargement…
catalogue-download = Télécharger
catalogue-download-pack = Télécharger { $title }
catalogue-update-button = Mettre à jour
catalogue-update-pack = Mettre à jour { $title }
catalogue-downloading-pack = Téléchargement de { $title }
catalogue-progress = { $done } sur { $total }
catalogue-starting = Début du téléchargement…
catalogue-done = Téléchargé et installé.
catalogue-refresh = Interroger à nouveau le serveur
catalogue-failed-interrupted = Le téléchargement a été coupé. Appuyez à nouveau sur Télécharger : il reprend là où il s’est arrêté.
catalogue-failed-untrusted = L’éditeur de ce pack n’est pas reconnu sur cet appareil. Ajoutez sa clé dans Éditeurs de confiance, puis téléchargez à nouveau.
catalogue-failed-invalid_pack = Le fichier téléchargé était abîmé ou modifié : il n’a pas été installé. Réessayez ; si cela recommence, prévenez l’administrateur du serveur.
catalogue-failed-disk_full = Il n’y a pas assez d’espace libre sur cet ordinateur. Supprimez des cours inutilisés, puis réessayez.
catalogue-failed-not_found = Le serveur ne propose plus ce pack. Interrogez à nouveau le serveur.
catalogue-failed-server_unreachable = Le serveur du centre est injoignable. Vérifiez le réseau, puis appuyez à nouveau sur Télécharger : il reprend là où il s’est arrêté.
catalogue-failed-version_conflict = Une version plus récente de ce cours est déjà installée.
catalogue-failed-other = Le pack n’a pas pu être téléchargé. Réessayez.
