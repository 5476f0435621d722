// The audit log page's strings, in English and Canadian French.
const en = {
  heading: 'Audit log',
  intro: 'Every call to the admin API, and every sign-in to the console, newest first.',
  person: 'Person or key',
  anyone: 'Anyone',
  action: 'Action starts with',
  actionHint: 'For example console. or POST /api/v1/contacts',
  from: 'From',
  to: 'To (included)',
  filter: 'Filter',
  when: 'When',
  who: 'Who',
  what: 'Action',
  target: 'On',
  outcome: 'Outcome',
  detail: 'Detail',
  none: 'No entry matches.',
  more: 'Show older entries',
  failed: 'Could not load the audit log.',
};

export type AuditStrings = typeof en;

const fr: AuditStrings = {
  heading: 'Journal d’audit',
  intro: 'Chaque appel à l’API d’administration et chaque connexion à la console, du plus récent au plus ancien.',
  person: 'Personne ou clé',
  anyone: 'Tout le monde',
  action: 'L’action commence par',
  actionHint: 'Par exemple console. ou POST /api/v1/contacts',
  from: 'Du',
  to: 'Au (inclus)',
  filter: 'Filtrer',
  when: 'Quand',
  who: 'Qui',
  what: 'Action',
  target: 'Sur',
  outcome: 'Résultat',
  detail: 'Détail',
  none: 'Aucune entrée ne correspond.',
  more: 'Afficher les entrées plus anciennes',
  failed: 'Le journal d’audit n’a pas pu être chargé.',
};

export const AUDIT_STRINGS = { en, fr } as const;
