import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { formatTimeOfDay, t, uiLocale } from '../shared/i18n.js';
import { useFocusOnMount } from '../shared/use-focus-on-mount.js';
import { signInRefusal, wrongCodeMessage } from './sign-in-failure.js';

interface Props {
  api: ApiClient;
  email: string;
  onSignedIn: (session: Session) => void;
  onUseAnotherEmail: () => void;
  now: () => number;
}

type Feedback = { kind: 'error' | 'info'; text: string } | null;

/**
 * The code in what was typed or pasted: six digits standing alone, written `123456`, `123 456` or
 * `123-456` anywhere in the text (a line copied from the email); else the digits typed so far. No
 * `maxLength` on the field: the browser would cut a paste like " 123 456" before it got here.
 */
export function codeFrom(text: string): string {
  const alone = /(?<!\d)\d{3}[\s\u00a0-]?\d{3}(?!\d)/.exec(text);
  return alone ? alone[0].replace(/\D/g, '') : text.replace(/\D/g, '').slice(0, 6);
}

export function CodeForm({ api, email, onSignedIn, onUseAnotherEmail, now }: Props) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'sign-in' | 'resend' | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  /** While the server has paused sign-in for the address, Sign in cannot be pressed. */
  const [pausedUntil, setPausedUntil] = useState<number | null>(null);
  const inputRef = useFocusOnMount<HTMLInputElement>();

  useEffect(() => {
    if (pausedUntil === null) return;
    const timer = setTimeout(() => {
      setPausedUntil(null);
      setFeedback({ kind: 'info', text: t('code_unlocked') });
    }, Math.max(0, pausedUntil - now()));
    return () => clearTimeout(timer);
  }, [pausedUntil, now]);

  async function submit(event: Event) {
    event.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setFeedback({ kind: 'error', text: t('code_invalid_format') });
      inputRef.current?.focus();
      return;
    }
    setBusy('sign-in');
    setFeedback(null);
    const result = await api.signIn({ email, code });
    setBusy(null);
    if (result.ok) return onSignedIn(result.value);
    const refusal = signInRefusal(result.error, now());
    if (refusal.kind === 'wrong') {
      const { key, count } = wrongCodeMessage(refusal.triesLeft);
      setFeedback({ kind: 'error', text: t(key, count) });
    } else if (refusal.kind === 'paused') {
      setPausedUntil(refusal.until);
      setFeedback({ kind: 'error', text: refusal.until === null ? t('code_locked_out') : t('code_locked_until', formatTimeOfDay(refusal.until, now())) });
    } else {
      setFeedback({ kind: 'error', text: t(refusal.key) });
    }
    setCode('');
    inputRef.current?.focus();
  }

  async function resend() {
    setBusy('resend');
    if (pausedUntil === null) setFeedback(null);
    const result = await api.requestCode({ email, locale: uiLocale() });
    setBusy(null);
    // A new code does not end a pause: what the person was told about it stays.
    if (result.ok && pausedUntil !== null) return inputRef.current?.focus();
    setFeedback(result.ok ? { kind: 'info', text: t('code_resent') } : { kind: 'error', text: t(failureMessageKey(result.error)) });
    inputRef.current?.focus();
  }

  const invalid = feedback?.kind === 'error';
  return (
    <form class="stack" onSubmit={submit} noValidate>
      <h1 class="title">{t('signin_heading')}</h1>
      <p class="muted">{t('code_sent_to', email)}</p>
      <div class="field">
        <label for="code">{t('code_label')}</label>
        <input
          id="code"
          ref={inputRef}
          class="code-input"
          type="text"
          name="code"
          autocomplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9]{6}"
          required
          value={code}
          aria-invalid={invalid}
          aria-describedby={feedback ? 'code-feedback' : undefined}
          onInput={(event) => {
            // Shown as kept, so a paste never leaves more in the field than will be sent.
            const kept = codeFrom(event.currentTarget.value);
            event.currentTarget.value = kept;
            setCode(kept);
          }}
        />
      </div>
      {feedback && (
        <p id="code-feedback" class={feedback.kind} role={feedback.kind === 'error' ? 'alert' : 'status'}>
          {feedback.text}
        </p>
      )}
      <button type="submit" class="button primary" disabled={busy !== null || pausedUntil !== null}>
        {t(busy === 'sign-in' ? 'code_signing_in' : 'code_sign_in')}
      </button>
      <div class="row">
        <button type="button" class="button link" onClick={onUseAnotherEmail}>
          {t('code_use_another_email')}
        </button>
        <button type="button" class="button link" onClick={resend} disabled={busy !== null}>
          {t('code_resend')}
        </button>
      </div>
    </form>
  );
}
