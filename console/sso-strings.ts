// The strings of single sign-on (OpenID Connect) on the sign-in page, in English and Canadian French.
import type { SsoRefusal } from '../contract/index.js';

const en = {
  button: (label: string | null) => (label ? `Sign in with ${label}` : 'Sign in with single sign-on'),
  refusals: {
    refused: 'Single sign-on did not work. Start again, or sign in with your passkey.',
    unavailable: 'The identity provider does not answer. Try again in a minute, or sign in with your passkey.',
    'no-address': 'The identity provider gave no email address, so the console cannot tell who you are. Ask an admin.',
    'no-role': 'Your account has no console role at the identity provider. Ask an admin to assign you one.',
    disabled: 'Your console access is disabled. Ask an admin.',
  } satisfies Record<SsoRefusal, string>,
  heading: 'Confirm it’s you',
  intro: (email: string) => `The identity provider signed you in as ${email}, without a second factor: confirm it here.`,
  passkeyButton: 'Confirm with your passkey',
  codeLabel: 'Code from your authenticator app, or a recovery code',
  codeButton: 'Use your authenticator code',
  enrolIntro: (email: string) =>
    `The identity provider signed you in as ${email}. You have no passkey here yet: create one now. Your device will ask for its PIN, fingerprint or face.`,
  enrolButton: 'Create my passkey',
  stepRefused: 'That did not work. Try again; after five tries, start the single sign-on again.',
  expired: 'This single sign-on took too long or was already used. Start again.',
  backToSignIn: 'Back to sign-in',
};

export type SsoStrings = typeof en;

const fr: SsoStrings = {
  button: (label) => (label ? `Me connecter avec ${label}` : 'Me connecter par authentification unique'),
  refusals: {
    refused: 'L’authentification unique n’a pas fonctionné. Recommencez, ou connectez-vous avec votre clé d’accès.',
    unavailable: 'Le fournisseur d’identité ne répond pas. Réessayez dans une minute, ou connectez-vous avec votre clé d’accès.',
    'no-address':
      'Le fournisseur d’identité n’a transmis aucune adresse courriel\u00a0: la console ne peut pas savoir qui vous êtes. Adressez-vous à un administrateur ou une administratrice.',
    'no-role':
      'Votre compte n’a aucun rôle pour la console chez le fournisseur d’identité. Demandez à un administrateur ou une administratrice de vous en attribuer un.',
    disabled: 'Votre accès à la console est désactivé. Adressez-vous à un administrateur ou une administratrice.',
  },
  heading: 'Confirmez votre identité',
  intro: (email) => `Le fournisseur d’identité a ouvert une session pour ${email} sans second facteur\u00a0: confirmez-la ici.`,
  passkeyButton: 'Confirmer avec ma clé d’accès',
  codeLabel: 'Code de votre application d’authentification, ou code de récupération',
  codeButton: 'Utiliser mon code d’authentification',
  enrolIntro: (email) =>
    `Le fournisseur d’identité a ouvert une session pour ${email}. Vous n’avez pas encore de clé d’accès ici\u00a0: créez-en une maintenant. Votre appareil vous demandera son NIP, votre empreinte ou votre visage.`,
  enrolButton: 'Créer ma clé d’accès',
  stepRefused: 'Cela n’a pas fonctionné. Réessayez\u00a0; après cinq essais, recommencez l’authentification unique.',
  expired: 'Cette authentification unique a pris trop de temps ou a déjà servi. Recommencez.',
  backToSignIn: 'Retour à la connexion',
};

export const SSO_STRINGS = { en, fr } as const;
