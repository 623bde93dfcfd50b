# Serveur de campus Qalam, page d’administration : français.

## Toutes les pages
admin-title = Administration du serveur Qalam
skip-to-content = Aller au contenu principal
language-label = Langue
language-change = Changer de langue
signed-in-as = Connecté en tant que { $name }
scope-server = Administrateur de tout le serveur
scope-org = Administrateur d’une organisation
sign-out = Se déconnecter
breadcrumb-label = Où vous êtes
times-in-utc = Les heures sont en UTC.
col-name = Nom
col-id = Identifiant
col-created = Créé le

## Connexion
signin-title = Connexion
signin-intro = Pour les administrateurs de ce serveur de campus. Un compte d’administrateur se crée avec la commande « qalam server admin add ».
signin-name = Nom
signin-password = Mot de passe
signin-submit = Se connecter
signin-wrong = Ce nom ou ce mot de passe n’est pas bon. Vérifiez-les et réessayez.
signin-slow-down =
    { $seconds ->
        [one] Trop de mots de passe erronés. Attendez une seconde, puis réessayez.
       *[other] Trop de mots de passe erronés. Attendez { $seconds } secondes, puis réessayez.
    }
signed-out = Vous êtes déconnecté.

## Organisations
orgs-title = Organisations
orgs-empty = Il n’y a encore aucune organisation. Ajoutez la première ci-dessous.
orgs-add-title = Ajouter une organisation
orgs-add-name = Nom de l’organisation
orgs-add-submit = Ajouter l’organisation

## Une organisation et ses centres
org-title = Organisation : { $name }
centres-title = Centres d’étude
centres-empty = Cette organisation n’a encore aucun centre. Ajoutez-en un ci-dessous.
centres-add-title = Ajouter un centre
centres-add-name = Nom du centre
centres-add-submit = Ajouter le centre

## Un centre et ses appareils
centre-title = Centre : { $name }
devices-title = Appareils
devices-empty = Aucun appareil n’est encore inscrit dans ce centre. Créez un code d’inscription ci-dessous et tapez-le sur l’appareil.
col-device = Appareil
col-enrolled = Inscrit le
col-last-sync = Dernière synchronisation
col-status = État
col-action = Action
device-never-synced = Jamais
device-active = Actif
device-revoked = Révoqué le { $when }
device-revoke = Révoquer…
device-revoke-label = Révoquer l’appareil { $id }
device-revoked-done = L’appareil { $id } est révoqué. Il ne peut plus se synchroniser.

## Codes d’inscription
code-title = Nouveau code d’inscription
code-help = Un code d’inscription permet à un appareil de rejoindre ce centre. Il sert une seule fois, jusqu’à son expiration.
code-hours = Valable combien d’heures (de 1 à 720)
code-submit = Créer un code d’inscription
code-shown-title = Code d’inscription pour { $centre }
code-shown-once = Tapez-le maintenant sur l’appareil, ou notez-le : il n’est affiché que cette fois.
code-expires = Valable jusqu’au { $when }, pour un seul appareil.
code-back = Retour au centre
code-file-title = Pour un ordinateur portable sans connexion
code-file-help = Enregistrez ce code dans un fichier d’inscription et emportez-le sur une clé USB. Sur le portable, un animateur inscrit l’appareil à partir du fichier (Réglages, Synchronisation). Supprimez le fichier une fois le portable inscrit : il contient le code.
code-file-server = Adresse du serveur du centre pour le portable (facultatif), par ex. https://10.0.0.5:7878
code-file-submit = Enregistrer comme fichier d’inscription
error-bad-request-title = Non accepté
error-server-url = L’adresse du serveur doit commencer par http:// ou https://, par exemple https://10.0.0.5:7878.
error-enrolment-file = Ce code ne peut pas être écrit dans un fichier d’inscription. Créez un nouveau code et réessayez.

## Révoquer un appareil
revoke-title = Révoquer un appareil
revoke-question = Révoquer l’appareil { $id } de { $centre } ?
revoke-explain = Il ne pourra plus se synchroniser avec ce serveur. Le travail qu’il a déjà envoyé est conservé. C’est définitif.
revoke-confirm = Oui, révoquer cet appareil
revoke-cancel = Non, le garder

## Erreurs
error-name-empty = Le nom est vide. Tapez un nom.
error-name-too-long = Le nom est trop long : { $max } caractères au plus.
error-hours = Tapez un nombre entier d’heures, de 1 à 720.
error-not-found-title = Introuvable
error-not-found = Cette page n’existe pas, ou votre compte ne peut pas la voir.
error-forbidden-title = Refusé
error-csrf = Ce formulaire a été refusé car son jeton de sécurité manquait ou était périmé. Revenez en arrière, rechargez la page et réessayez.
error-org-admins-only = Seul un administrateur de tout le serveur peut ajouter des organisations.
error-internal-title = Erreur du serveur
error-internal = Une erreur s’est produite sur le serveur. Réessayez ; si cela continue, consultez le journal du serveur.
back-home = Retour à la page d’accueil
