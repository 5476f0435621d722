import { useState } from 'preact/hooks';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { t, uiLocale, type MessageKey } from '../shared/i18n.js';
import { useFocusOnMount } from '../shared/use-focus-on-mount.js';

interface Props {
  api: ApiClient;
  initialEmail: string;
  notice: MessageKey | null;
  /** Set by the client's IT (`signInEmailHint`) as "@client.example": an address typed without "@" gets it. */
  domainHint: string | null;
  onSent: (email: string) => void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function EmailForm({ api, initialEmail, notice, domainHint, onSent }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [error, setError] = useState<MessageKey | null>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    const typed = email.trim();
    const address = domainHint && typed !== '' && !typed.includes('@') ? `${typed}${domainHint}` : typed;
    if (!EMAIL.test(address)) {
      setError('signin_email_invalid');
      inputRef.current?.focus();
      return;
    }
    setSending(true);
    setError(null);
    const result = await api.requestCode({ email: address, locale: uiLocale() });
    setSending(false);
    if (result.ok) onSent(address);
    else setError(failureMessageKey(result.error));
  }

  return (
    <form class="stack" onSubmit={submit} noValidate>
      <h1 class="title">{t('signin_heading')}</h1>
      {notice && <p class="info" role="status">{t(notice)}</p>}
      <p class="muted">{t('signin_intro')}</p>
      <div class="field">
        <label for="email">{t('signin_email_label')}</label>
        <input
          id="email"
          ref={inputRef}
          type="email"
          name="email"
          autocomplete="email"
          required
          value={email}
          placeholder={domainHint ? `${t('signin_email_placeholder_name')}${domainHint}` : undefined}
          aria-invalid={error === 'signin_email_invalid'}
          aria-describedby={error ? 'email-error' : undefined}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </div>
      {error && (
        <p id="email-error" class="error" role="alert">
          {t(error)}
        </p>
      )}
      <button type="submit" class="button primary" disabled={sending}>
        {t(sending ? 'signin_sending' : 'signin_send_code')}
      </button>
    </form>
  );
}
