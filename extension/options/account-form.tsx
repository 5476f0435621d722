import { useState } from 'preact/hooks';
import type { Locale, Me } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { t } from '../shared/i18n.js';

interface Props {
  api: ApiClient;
  token: string;
  me: Me;
  onUnauthorized: () => void;
  /** Sign out pressed: the page ends the session (on the server, best effort, and here). */
  onSignOut: () => void;
}

type Status = 'idle' | 'saving' | 'saved' | 'failed';

export function AccountForm({ api, token, me, onUnauthorized, onSignOut }: Props) {
  const [name, setName] = useState(me.contact.name ?? '');
  const [locale, setLocale] = useState<Locale>(me.contact.locale);
  const [status, setStatus] = useState<Status>('idle');

  async function submit(event: Event) {
    event.preventDefault();
    setStatus('saving');
    const result = await api.updateMe(token, { name: name.trim() === '' ? null : name.trim(), locale });
    if (result.ok) {
      setName(result.value.contact.name ?? '');
      setLocale(result.value.contact.locale);
      return setStatus('saved');
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setStatus('failed');
  }

  return (
    <form class="stack" onSubmit={submit}>
      <div class="row">
        <p>{t('options_signed_in_as', me.contact.email)}</p>
        <button type="button" class="button secondary" onClick={onSignOut}>
          {t('options_sign_out')}
        </button>
      </div>
      <div class="field">
        <label for="name">{t('options_name_label')}</label>
        <input id="name" type="text" autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="locale">{t('options_language_label')}</label>
        <select id="locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value === 'fr' ? 'fr' : 'en')}>
          <option value="en" lang="en">
            {t('options_language_en')}
          </option>
          <option value="fr" lang="fr">
            {t('options_language_fr')}
          </option>
        </select>
      </div>
      <div class="field">
        <label for="organization">{t('options_organization_label')}</label>
        <input id="organization" type="text" value={me.contact.organizationName} readOnly />
      </div>
      <div class="row">
        <button type="submit" class="button primary" disabled={status === 'saving'}>
          {t('options_save')}
        </button>
        <p class={`save-status ${status}`} role="status" aria-live="polite">
          {status === 'saving' && t('options_saving')}
          {status === 'saved' && t('options_saved')}
          {status === 'failed' && t('options_save_failed')}
        </p>
      </div>
    </form>
  );
}
