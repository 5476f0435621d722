// Every string the console shows, in English and Canadian French; a missing key is a type error.
const en = {
  title: 'Console',
  switchLanguage: 'Français',
  signInHeading: 'Sign in to the console',
  signInIntro: 'Use your passkey: your device, then its PIN, fingerprint or face.',
  signInButton: 'Sign in with a passkey',
  signInFailed: 'Sign-in did not work. Try again, or ask an admin for a new enrolment link.',
  enrolHeading: 'Create your passkey',
  enrolIntro: (email: string) => `For ${email}. Your device will ask for its PIN, fingerprint or face: that is your second factor.`,
  enrolButton: 'Create my passkey',
  enrolBroken: 'This enrolment link does not work: it was used, has expired, or is incomplete. Ask an admin for a new one.',
  enrolFailed: 'The passkey was not created. Try again.',
  signedInAs: (email: string, role: string) => `${email} (${role})`,
  signOut: 'Sign out',
  navDashboard: 'Dashboard',
  dashboardHeading: 'Queue',
  status: { queued: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Failed', suppressed: 'Suppressed' },
  sentLastHour: 'Sent in the last hour',
  sentLastDay: 'Sent in the last day',
  suppressionsAdded: 'Addresses suppressed in the last day',
  failuresHeading: 'Failures in the last day',
  noFailures: 'No failures.',
  updatedAt: (time: string) => `Updated ${time}`,
  loadFailed: 'Could not load. Retrying…',
  loading: 'Loading…',
};

export type ConsoleStrings = typeof en;

const fr: ConsoleStrings = {
  title: 'Console',
  switchLanguage: 'English',
  signInHeading: 'Connexion à la console',
  signInIntro: 'Utilisez votre clé d’accès\u00a0: votre appareil, puis son NIP, votre empreinte ou votre visage.',
  signInButton: 'Me connecter avec une clé d’accès',
  signInFailed: 'La connexion n’a pas fonctionné. Réessayez, ou demandez un nouveau lien d’inscription à un administrateur ou une administratrice.',
  enrolHeading: 'Créez votre clé d’accès',
  enrolIntro: (email) => `Pour ${email}. Votre appareil vous demandera son NIP, votre empreinte ou votre visage\u00a0: c’est votre second facteur.`,
  enrolButton: 'Créer ma clé d’accès',
  enrolBroken: 'Ce lien d’inscription ne fonctionne pas\u00a0: il a déjà servi, a expiré ou est incomplet. Demandez-en un nouveau.',
  enrolFailed: 'La clé d’accès n’a pas été créée. Réessayez.',
  signedInAs: (email, role) => `${email} (${role})`,
  signOut: 'Me déconnecter',
  navDashboard: 'Tableau de bord',
  dashboardHeading: 'File d’envoi',
  status: { queued: 'En attente', sending: 'En cours d’envoi', sent: 'Envoyés', failed: 'En échec', suppressed: 'Non envoyés' },
  sentLastHour: 'Envoyés dans la dernière heure',
  sentLastDay: 'Envoyés dans les dernières 24\u00a0heures',
  suppressionsAdded: 'Adresses bloquées dans les dernières 24\u00a0heures',
  failuresHeading: 'Échecs des dernières 24\u00a0heures',
  noFailures: 'Aucun échec.',
  updatedAt: (time) => `Mis à jour à ${time}`,
  loadFailed: 'Chargement impossible. Nouvel essai…',
  loading: 'Chargement…',
};

export const STRINGS = { en, fr } as const;
export type ConsoleLocale = keyof typeof STRINGS;
