import { Categories } from '../../server/consent/categories.js';

/** The default categories plus one required one (`account-notices`), as an operator may configure. */
export function withRequiredCategory(): Categories {
  return new Categories([
    ...Categories.fromFile().list,
    {
      key: 'account-notices',
      label: { en: 'Account notices', fr: 'Avis de compte' },
      description: { en: 'Changes to your contract.', fr: 'Changements à votre contrat.' },
      subscribedByDefault: true,
      required: true,
    },
  ]);
}
