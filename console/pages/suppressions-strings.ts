// Every string of the Suppression list page, in English and Canadian French; a missing key is a type error.
// French follows Quebec typography: a no-break space (\u00a0) before : ; ? ! and inside « », ’ for
// apostrophes, and wording that does not assume anyone's gender.
import type { SuppressionKind } from '../../contract/index.js';

const numberEn = new Intl.NumberFormat('en-CA');
const numberFr = new Intl.NumberFormat('fr-CA');

const en = {
  heading: 'Suppression list',
  intro: 'Addresses no email goes to: hard bounces and erased contacts. The list keeps only a keyed fingerprint of each address, so look one up by its exact address.',
  addressLabel: 'Address',
  addressHint: 'The whole address, as the person gives it; letter case does not matter.',
  searchButton: 'Search',
  searching: 'Searching…',
  needsAddress: 'Type an email address.',
  badAddress: 'This is not a whole email address. Type it in full.',
  loadFailed: 'Could not load. Try again.',
  resultHeading: 'Result',
  statusSuppressed: 'Suppressed: no email goes to this address.',
  statusClear: 'Not suppressed: email may go to this address.',
  address: 'Address',
  reason: 'Why',
  since: 'Since',
  until: 'Until',
  reasons: {
    'hard-bounce': 'The receiving server said the address does not exist (hard bounce).',
    'soft-bounces': 'Several messages in a row could not be delivered for now (soft bounces): suppressed for a while.',
    erasure: 'The contact’s data was erased at their request.',
    other: 'Another reason, as recorded:',
  } satisfies Record<SuppressionKind, string>,
  erasureStays:
    'This suppression protects a person who asked to be forgotten: it cannot be removed here. If the person comes back, an admin adds them again as a contact, explicitly.',

  removeHeading: 'Remove from the list',
  removeIntro: 'Once the address works again (the mailbox was fixed or created again). Email may go to it at once; the person’s own choices still apply.',
  removeReasonLabel: 'Reason for removing it',
  removeReasonHint: 'Required, 3 to 500 characters. Kept in the audit log, without the address.',
  reasonNeeded: 'Say why, in 3 to 500 characters.',
  removeButton: 'Remove…',
  confirmHeading: 'Remove this address from the suppression list?',
  confirmBody: (email: string) => `Email will go to ${email} again.`,
  confirmReason: (reason: string) => `Reason: ${reason}`,
  confirm: 'Remove it',
  cancel: 'Cancel',
  removing: 'Removing…',
  removed: (email: string) => `${email} was removed from the suppression list.`,
  removeFailed: 'The address was not removed.',
  removeGone: 'This address is no longer on the list.',

  listHeading: 'On the list',
  recentHeading: 'Latest additions',
  recentIntro: 'Newest first, without addresses: the list keeps none.',
  loading: 'Loading…',
  total: (n: number) => (n === 1 ? '1 address on the list.' : `${numberEn.format(n)} addresses on the list.`),
  empty: 'The list is empty.',
  byReasonHeading: 'By reason',
  colDate: 'Added',
  colReason: 'Reason',
  colCount: 'Addresses',
  kinds: { 'hard-bounce': 'Hard bounce', 'soft-bounces': 'Soft bounces (for a while)', erasure: 'Erased at the person’s request', other: 'Other' } satisfies Record<SuppressionKind, string>,
  count: (n: number) => numberEn.format(n),
};

export type SuppressionsStrings = typeof en;

const fr: SuppressionsStrings = {
  heading: 'Liste d’exclusion',
  intro:
    'Les adresses auxquelles aucun courriel n’est envoyé\u00a0: rejets définitifs et contacts effacés. La liste ne conserve qu’une empreinte (hachage à clé) de chaque adresse\u00a0; cherchez donc l’adresse exacte.',
  addressLabel: 'Adresse',
  addressHint: 'L’adresse complète, telle que la personne la donne\u00a0; majuscules et minuscules sont équivalentes.',
  searchButton: 'Rechercher',
  searching: 'Recherche en cours…',
  needsAddress: 'Saisissez une adresse courriel.',
  badAddress: 'Ce n’est pas une adresse courriel complète. Saisissez-la en entier.',
  loadFailed: 'Chargement impossible. Réessayez.',
  resultHeading: 'Résultat',
  statusSuppressed: 'Exclue\u00a0: aucun courriel n’est envoyé à cette adresse.',
  statusClear: 'Non exclue\u00a0: des courriels peuvent être envoyés à cette adresse.',
  address: 'Adresse',
  reason: 'Motif',
  since: 'Depuis',
  until: 'Jusqu’au',
  reasons: {
    'hard-bounce': 'Le serveur destinataire a indiqué que l’adresse n’existe pas (rejet définitif).',
    'soft-bounces': 'Plusieurs courriels de suite n’ont pas pu être livrés pour le moment (rejets temporaires)\u00a0: exclue pour un temps.',
    erasure: 'Les données du contact ont été effacées à sa demande.',
    other: 'Un autre motif, tel qu’enregistré\u00a0:',
  },
  erasureStays:
    'Cette exclusion protège une personne qui a demandé l’effacement de ses données\u00a0: elle ne peut pas être retirée ici. Si la personne revient, une personne administratrice l’ajoute de nouveau comme contact, de façon explicite.',

  removeHeading: 'Retirer de la liste',
  removeIntro:
    'Une fois l’adresse de nouveau fonctionnelle (boîte réparée ou recréée). Des courriels peuvent y être envoyés dès ce moment\u00a0; les choix de la personne s’appliquent toujours.',
  removeReasonLabel: 'Motif du retrait',
  removeReasonHint: 'Obligatoire, de 3 à 500\u00a0caractères. Conservé dans le journal d’audit, sans l’adresse.',
  reasonNeeded: 'Indiquez le motif, en 3 à 500\u00a0caractères.',
  removeButton: 'Retirer…',
  confirmHeading: 'Retirer cette adresse de la liste d’exclusion\u00a0?',
  confirmBody: (email) => `Des courriels pourront de nouveau être envoyés à ${email}.`,
  confirmReason: (reason) => `Motif\u00a0: ${reason}`,
  confirm: 'La retirer',
  cancel: 'Annuler',
  removing: 'Retrait en cours…',
  removed: (email) => `L’adresse ${email} a été retirée de la liste d’exclusion.`,
  removeFailed: 'L’adresse n’a pas été retirée.',
  removeGone: 'Cette adresse ne figure plus sur la liste.',

  listHeading: 'Sur la liste',
  recentHeading: 'Derniers ajouts',
  recentIntro: 'Du plus récent au plus ancien, sans les adresses\u00a0: la liste n’en conserve aucune.',
  loading: 'Chargement…',
  total: (n) => (n < 2 ? `${n} adresse sur la liste.` : `${numberFr.format(n)} adresses sur la liste.`),
  empty: 'La liste est vide.',
  byReasonHeading: 'Par motif',
  colDate: 'Ajout',
  colReason: 'Motif',
  colCount: 'Adresses',
  kinds: { 'hard-bounce': 'Rejet définitif', 'soft-bounces': 'Rejets temporaires (pour un temps)', erasure: 'Effacement à la demande de la personne', other: 'Autre' },
  count: (n) => numberFr.format(n),
};

export const SUPPRESSIONS_STRINGS = { en, fr } as const;
