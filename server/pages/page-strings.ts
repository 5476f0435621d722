import type { Locale } from '../../contract/index.js';

// Every string of the link pages, in English and Canadian French; a missing key is a type error.
const en = {
  htmlTitle: 'Email preferences',
  switchLanguage: 'Français',
  switchLanguageLabel: 'Afficher cette page en français',
  confirmHeading: (category: string) => `Unsubscribe from “${category}”?`,
  confirmIntro: 'You will stop receiving these emails. You can change your mind at any time.',
  confirmButton: 'Unsubscribe',
  unsubscribedHeading: (category: string) => `You are unsubscribed from “${category}”.`,
  unsubscribedIntro: 'You will not receive these emails any more.',
  undoButton: 'Undo: subscribe me again',
  resubscribedHeading: (category: string) => `You are subscribed to “${category}” again.`,
  alreadyUnsubscribed: (category: string) => `You are not subscribed to “${category}”.`,
  centerHeading: 'Choose the emails you receive',
  centerIntro: (email: string) => `For ${email}.`,
  required: 'Required: these emails cannot be turned off.',
  save: 'Save my choices',
  unsubscribeAll: 'Unsubscribe from all optional emails',
  saved: 'Your choices are saved.',
  allOff: 'You are unsubscribed from all optional emails.',
  invalidHeading: 'This link does not work',
  invalidIntro: 'The link may be incomplete: copy the whole address from the email, or ask for a new link below.',
  expiredHeading: 'This link has expired',
  expiredIntro: 'For your security, links in our emails stop working after a while. Enter your email address and we will send you a new one.',
  emailLabel: 'Your email address',
  sendLink: 'Email me a new link',
  sentHeading: 'Check your inbox',
  sentIntro: 'If this address is in our records, a new link to your preferences is on its way. It may take a few minutes.',
  tooManyHeading: 'Too many attempts',
  tooManyIntro: 'Please wait a few minutes, then try again.',
  goneHeading: 'These preferences no longer exist',
  goneIntro: 'The contact this link was for has been removed. No more emails will be sent to it.',
  requiredCategoryIntro: 'This category is required and cannot be turned off.',
  dataHeading: 'Your data',
  dataIntro: 'Get a copy of everything we hold about you: your details, your choices and their history, and the list of emails we sent you.',
  dataButton: 'Email me a copy of my data',
  dataSent: (email: string) => `A copy of your data is on its way to ${email}.`,
};

export type PageStrings = typeof en;

const fr: PageStrings = {
  htmlTitle: 'Préférences de courriel',
  switchLanguage: 'English',
  switchLanguageLabel: 'Show this page in English',
  confirmHeading: (category) => `Vous désabonner de «\u00a0${category}\u00a0»\u00a0?`,
  confirmIntro: 'Vous ne recevrez plus ces courriels. Vous pouvez changer d’avis en tout temps.',
  confirmButton: 'Me désabonner',
  unsubscribedHeading: (category) => `Vous êtes désabonné de «\u00a0${category}\u00a0».`,
  unsubscribedIntro: 'Vous ne recevrez plus ces courriels.',
  undoButton: 'Annuler\u00a0: me réabonner',
  resubscribedHeading: (category) => `Vous êtes de nouveau abonné à «\u00a0${category}\u00a0».`,
  alreadyUnsubscribed: (category) => `Vous n’êtes pas abonné à «\u00a0${category}\u00a0».`,
  centerHeading: 'Choisissez les courriels que vous recevez',
  centerIntro: (email) => `Pour ${email}.`,
  required: 'Obligatoire\u00a0: ces courriels ne peuvent pas être désactivés.',
  save: 'Enregistrer mes choix',
  unsubscribeAll: 'Me désabonner de tous les courriels facultatifs',
  saved: 'Vos choix sont enregistrés.',
  allOff: 'Vous êtes désabonné de tous les courriels facultatifs.',
  invalidHeading: 'Ce lien ne fonctionne pas',
  invalidIntro: 'Le lien est peut-être incomplet\u00a0: copiez l’adresse entière du courriel, ou demandez un nouveau lien ci-dessous.',
  expiredHeading: 'Ce lien a expiré',
  expiredIntro: 'Pour votre sécurité, les liens de nos courriels cessent de fonctionner après un certain temps. Entrez votre adresse courriel et nous vous en enverrons un nouveau.',
  emailLabel: 'Votre adresse courriel',
  sendLink: 'M’envoyer un nouveau lien',
  sentHeading: 'Consultez votre boîte de réception',
  sentIntro: 'Si cette adresse figure dans nos dossiers, un nouveau lien vers vos préférences est en route. Cela peut prendre quelques minutes.',
  tooManyHeading: 'Trop de tentatives',
  tooManyIntro: 'Veuillez patienter quelques minutes, puis réessayer.',
  goneHeading: 'Ces préférences n’existent plus',
  goneIntro: 'Le contact visé par ce lien a été supprimé. Aucun autre courriel ne lui sera envoyé.',
  requiredCategoryIntro: 'Cette catégorie est obligatoire et ne peut pas être désactivée.',
  dataHeading: 'Vos données',
  dataIntro: 'Obtenez une copie de tout ce que nous détenons à votre sujet\u00a0: vos coordonnées, vos choix et leur historique, et la liste des courriels que nous vous avons envoyés.',
  dataButton: 'M’envoyer une copie de mes données',
  dataSent: (email) => `Une copie de vos données est en route vers ${email}.`,
};

export const PAGE_STRINGS: Record<Locale, PageStrings> = { en, fr };

/** The page language: an explicit `lang`, else the contact's, else the browser's Accept-Language. */
export function pageLocale(explicit: unknown, contactLocale: Locale | undefined, acceptLanguage: string | undefined): Locale {
  if (explicit === 'en' || explicit === 'fr') return explicit;
  if (contactLocale) return contactLocale;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('fr') ? 'fr' : 'en';
}
