import { useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { DEFAULT_SERVER_URL, normalizeServerUrl } from '../shared/server-url.js';
import { writeState } from '../shared/session-store.js';

interface Props {
  serverUrl: string;
  onChanged: () => void;
}

/** For development: another server needs its own session, so a change also signs out. */
export function ServerUrlForm({ serverUrl, onChanged }: Props) {
  const [text, setText] = useState(serverUrl);
  const [message, setMessage] = useState<'invalid' | 'saved' | null>(null);

  async function store(url: string) {
    if (url !== serverUrl) {
      await writeState({ serverUrl: url, sessionToken: null, sessionExpiresAt: null, pendingEmail: null });
    }
    setText(url);
    setMessage('saved');
    onChanged();
  }

  async function submit(event: Event) {
    event.preventDefault();
    const url = normalizeServerUrl(text);
    if (url === null) return setMessage('invalid');
    await store(url);
  }

  return (
    <form class="stack" onSubmit={submit} noValidate>
      <div class="field">
        <label for="server-url">{t('options_server_url_label')}</label>
        <input
          id="server-url"
          type="url"
          value={text}
          aria-invalid={message === 'invalid'}
          aria-describedby="server-url-hint"
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <span id="server-url-hint" class="muted">
          {t('options_server_url_hint', DEFAULT_SERVER_URL)}
        </span>
      </div>
      <div class="row">
        <button type="submit" class="button primary">
          {t('options_server_url_save')}
        </button>
        <button type="button" class="button secondary" onClick={() => store(DEFAULT_SERVER_URL)}>
          {t('options_server_url_reset')}
        </button>
      </div>
      <p class={message === 'invalid' ? 'error' : 'info'} role="status" aria-live="polite">
        {message === 'invalid' && t('options_server_url_invalid')}
        {message === 'saved' && t('options_server_url_saved')}
      </p>
    </form>
  );
}

/** The address a client's IT set by policy: shown, not editable, and no developer wording. */
export function ManagedServerUrl({ serverUrl }: { serverUrl: string }) {
  return (
    <div class="field">
      <label for="managed-server-url">{t('options_server_managed_label')}</label>
      <input id="managed-server-url" type="url" value={serverUrl} readOnly aria-describedby="managed-server-url-note" />
      <span id="managed-server-url-note" class="muted">
        {t('options_server_managed')}
      </span>
    </div>
  );
}
