import type { Me } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { t, uiLocale } from '../shared/i18n.js';
import { PreferenceSwitch } from './preference-switch.js';
import { SaveStatus } from './save-status.js';
import { usePreferenceSaver } from './use-preference-saver.js';

interface Props {
  api: ApiClient;
  token: string;
  me: Me;
  onUnauthorized: () => void;
}

/** Preferences as shown: a missing key means the category's default, a required one is always on. */
function initialPreferences(me: Me) {
  return Object.fromEntries(
    me.categories.map((c) => [c.key, c.required || (me.preferences[c.key] ?? c.subscribedByDefault)]),
  );
}

export function PreferenceList({ api, token, me, onUnauthorized }: Props) {
  const { preferences, status, change } = usePreferenceSaver({
    api,
    token,
    initial: initialPreferences(me),
    onUnauthorized,
  });
  const locale = uiLocale();
  const optionalOn = me.categories.filter((c) => !c.required && preferences[c.key]);

  return (
    <section class="stack" aria-labelledby="prefs-heading">
      <h1 id="prefs-heading" class="title">
        {t('prefs_heading')}
      </h1>
      <p class="muted">{t('prefs_signed_in_as', me.contact.email)}</p>
      <ul class="preferences">
        {me.categories.map((category) => (
          <PreferenceSwitch
            key={category.key}
            label={category.label[locale]}
            description={category.description[locale]}
            checked={category.required || (preferences[category.key] ?? false)}
            required={category.required}
            onToggle={(subscribed) => change({ [category.key]: subscribed })}
          />
        ))}
      </ul>
      <SaveStatus status={status} />
      <button
        type="button"
        class="button secondary"
        disabled={optionalOn.length === 0}
        onClick={() => change(Object.fromEntries(optionalOn.map((c) => [c.key, false])))}
      >
        {t('prefs_unsubscribe_all')}
      </button>
    </section>
  );
}
