// Every string of the Organizations page, in English and Canadian French; a missing key is a type error.
// French follows Quebec typography: a no-break space (\u00a0) before : ; ? ! and inside « », ’ for
// apostrophes, and wording that does not assume anyone's gender.
import type { Locale } from '../../contract/index.js';

const numberEn = new Intl.NumberFormat('en-CA');
const numberFr = new Intl.NumberFormat('fr-CA');

const en = {
  heading: 'Organizations',
  intro: 'Each client organization, and whether someone there receives its invoices, service alerts and security advisories.',
  filterLabel: 'Filter by name',
  count: (shown: number, all: number) =>
    shown === all ? (all === 1 ? '1 organization.' : `${numberEn.format(all)} organizations.`) : `${numberEn.format(shown)} of ${numberEn.format(all)} organizations.`,
  uncovered: (n: number) => (n === 1 ? '1 organization has nobody to receive a category it needs.' : `${numberEn.format(n)} organizations have nobody to receive a category they need.`),
  allCovered: 'Every organization has someone to receive each category it needs.',
  none: 'No organization yet.',
  noMatch: 'No organization has this in its name.',
  loading: 'Loading…',
  loadFailed: 'Could not load. Try again.',
  notFound: 'This organization does not exist.',
  colName: 'Name',
  colLanguage: 'Language',
  colTimeZone: 'Time zone',
  colContacts: 'Contacts',
  receiversNote: 'Under each category: how many people there receive it now.',
  number: (n: number) => numberEn.format(n),
  nobody: 'Nobody',
  languages: { en: 'English', fr: 'French' } satisfies Record<Locale, string>,
  /** The default categories' names; a category configured besides them is shown by its key. */
  categories: {
    'ticket-updates': 'Ticket updates',
    invoices: 'Invoices and receipts',
    'security-advisories': 'Security advisories',
    'service-alerts': 'Service alerts',
    marketing: 'News and offers',
  } as Record<string, string>,

  // One organization
  region: (name: string) => `Organization: ${name}`,
  back: 'All organizations',
  language: 'Language',
  timeZone: 'Time zone',
  relationshipSince: 'Last purchase or contract',
  contacts: 'Contacts',
  noDate: '—',
  coverageHeading: 'Who receives what it needs',
  coverageIntro: 'People at the organization who receive each category now. Nobody means its mail reaches no one there.',
  colCategory: 'Category',
  colReceivers: 'Receivers',
  colCovered: 'Someone to reach',
  yes: 'Yes',
  no: 'No',
  lossesHeading: 'Times nobody received a category',
  colLost: 'Nobody since',
  colRestored: 'Someone again',
  stillOpen: 'Still nobody',
  noLosses: 'Never: someone always received each category.',
  policyHeading: 'The organization’s policy',
  policyIntro: 'What the organization set for its staff: a default for those who never chose, and categories locked on for everyone.',
  colDefault: 'For those who never chose',
  colLocked: 'Locked on',
  defaultOn: 'On',
  defaultOff: 'Off',
  defaultOwn: 'The category’s own default',
  lockedYes: 'Yes: nobody may turn it off',
  lockedNo: 'No',
  noPolicy: 'No optional category.',
};

export type OrganizationsStrings = typeof en;

const fr: OrganizationsStrings = {
  heading: 'Organisations',
  intro: 'Chaque organisation cliente, et si quelqu’un y reçoit ses factures, ses alertes de service et ses avis de sécurité.',
  filterLabel: 'Filtrer par nom',
  count: (shown, all) =>
    shown === all
      ? all < 2
        ? `${all} organisation.`
        : `${numberFr.format(all)} organisations.`
      : `${numberFr.format(shown)} organisation${shown < 2 ? '' : 's'} sur ${numberFr.format(all)}.`,
  uncovered: (n) => (n < 2 ? `${n} organisation n’a personne pour recevoir une catégorie dont elle a besoin.` : `${numberFr.format(n)} organisations n’ont personne pour recevoir une catégorie dont elles ont besoin.`),
  allCovered: 'Chaque organisation a quelqu’un pour recevoir chacune des catégories dont elle a besoin.',
  none: 'Aucune organisation pour l’instant.',
  noMatch: 'Aucune organisation ne contient ce texte dans son nom.',
  loading: 'Chargement…',
  loadFailed: 'Chargement impossible. Réessayez.',
  notFound: 'Cette organisation n’existe pas.',
  colName: 'Nom',
  colLanguage: 'Langue',
  colTimeZone: 'Fuseau horaire',
  colContacts: 'Contacts',
  receiversNote: 'Sous chaque catégorie\u00a0: le nombre de personnes de l’organisation qui la reçoivent en ce moment.',
  number: (n) => numberFr.format(n),
  nobody: 'Personne',
  languages: { en: 'anglais', fr: 'français' },
  categories: {
    'ticket-updates': 'Suivi des demandes',
    invoices: 'Factures et reçus',
    'security-advisories': 'Avis de sécurité',
    'service-alerts': 'Alertes de service',
    marketing: 'Nouvelles et offres',
  },

  region: (name) => `Organisation\u00a0: ${name}`,
  back: 'Toutes les organisations',
  language: 'Langue',
  timeZone: 'Fuseau horaire',
  relationshipSince: 'Dernier achat ou contrat',
  contacts: 'Contacts',
  noDate: '—',
  coverageHeading: 'Qui reçoit ce dont l’organisation a besoin',
  coverageIntro: 'Les personnes de l’organisation qui reçoivent chaque catégorie en ce moment. «\u00a0Personne\u00a0» signifie que ces courriels n’y joignent personne.',
  colCategory: 'Catégorie',
  colReceivers: 'Destinataires',
  colCovered: 'Quelqu’un à joindre',
  yes: 'Oui',
  no: 'Non',
  lossesHeading: 'Périodes où personne ne recevait une catégorie',
  colLost: 'Personne depuis',
  colRestored: 'De nouveau quelqu’un',
  stillOpen: 'Toujours personne',
  noLosses: 'Jamais\u00a0: quelqu’un a toujours reçu chaque catégorie.',
  policyHeading: 'La politique de l’organisation',
  policyIntro: 'Ce que l’organisation a choisi pour son personnel\u00a0: une valeur par défaut pour qui n’a jamais choisi, et des catégories imposées à tout le monde.',
  colDefault: 'Pour qui n’a jamais choisi',
  colLocked: 'Imposée',
  defaultOn: 'Activée',
  defaultOff: 'Désactivée',
  defaultOwn: 'La valeur par défaut de la catégorie',
  lockedYes: 'Oui\u00a0: personne ne peut la désactiver',
  lockedNo: 'Non',
  noPolicy: 'Aucune catégorie facultative.',
};

export const ORGANIZATIONS_STRINGS = { en, fr } as const;
