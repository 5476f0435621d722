import { useEffect, useState } from 'preact/hooks';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { SSO_REFUSALS, type ConsoleSession, type SignInMethods, type SsoPending, type SsoRefusal } from '../contract/index.js';
import type { ConsoleApi } from './api.js';
import type { ConsoleLocale, ConsoleStrings } from './strings.js';
import { SSO_STRINGS } from './sso-strings.js';

/** Where the server's single sign-on left the browser (`/console?sso=…`). */
export type SsoStep = { kind: 'second-factor' } | { kind: 'refused'; reason: SsoRefusal } | null;

/** Reads `?sso=` once, and takes it out of the address bar (a reload starts afresh). */
export function takeSsoStep(): SsoStep {
  const value = new URLSearchParams(location.search).get('sso');
  if (value === null) return null;
  history.replaceState(null, '', location.pathname);
  if (value === 'second-factor') return { kind: 'second-factor' };
  return { kind: 'refused', reason: (SSO_REFUSALS as readonly string[]).includes(value) ? (value as SsoRefusal) : 'refused' };
}

/** On the sign-in page: the single sign-on button when it is set up, and why the last one was refused. */
export function SsoSignIn({ api, locale, refusal }: { api: ConsoleApi; locale: ConsoleLocale; refusal: SsoRefusal | null }) {
  const s = SSO_STRINGS[locale];
  const [methods, setMethods] = useState<SignInMethods>({ sso: null });
  useEffect(() => {
    void api.signInMethods().then(setMethods);
  }, []);
  return (
    <>
      {refusal && (
        <p role="alert" class="error">
          {s.refusals[refusal]}
        </p>
      )}
      {methods.sso && (
        <p class="sso">
          <a class="primary" href="/console/sso">
            {s.button(methods.sso.label)}
          </a>
        </p>
      )}
    </>
  );
}

/**
 * The IdP asserted no multi-factor sign-in: the member confirms with their own passkey or
 * authenticator code, or, having neither, creates their first passkey now.
 */
export function SsoSecondFactor({ api, t, locale, onSignedIn }: { api: ConsoleApi; t: ConsoleStrings; locale: ConsoleLocale; onSignedIn: (s: ConsoleSession) => void }) {
  const s = SSO_STRINGS[locale];
  const [pending, setPending] = useState<SsoPending | null | undefined>(undefined);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api.ssoPending().then(setPending);
  }, []);
  /** A session, or a refusal: after too many, or too late, the login is gone and the page says so. */
  const settle = async (result: ConsoleSession | number) => {
    if (typeof result !== 'number') return onSignedIn(result);
    const still = await api.ssoPending();
    setPending(still);
    setRefused(still !== null);
  };
  const ceremony = (step: 'passkey' | 'enrolment') => async () => {
    setBusy(true);
    setRefused(false);
    try {
      const { status, body } = await api.ssoOptions(step);
      if (status !== 200) return await settle(status);
      const response =
        step === 'passkey' ? await startAuthentication({ optionsJSON: body.options as never }) : await startRegistration({ optionsJSON: body.options as never });
      await settle(await api.ssoConfirm(step, { challengeId: body.challengeId, response }));
    } catch {
      setRefused(true);
    } finally {
      setBusy(false);
    }
  };
  const withCode = async (event: Event) => {
    event.preventDefault();
    setRefused(false);
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '').trim();
    await settle(await api.ssoConfirm('code', { code }));
  };
  if (pending === undefined) return <p role="status">{t.loading}</p>;
  const back = (
    <p>
      <a href="/console">{s.backToSignIn}</a>
    </p>
  );
  if (pending === null) {
    return (
      <section class="card narrow">
        <h1>{s.heading}</h1>
        <p role="alert" class="error">
          {s.expired}
        </p>
        {back}
      </section>
    );
  }
  const nothing = !pending.passkey && !pending.authenticatorApp;
  return (
    <section class="card narrow">
      <h1>{s.heading}</h1>
      <p>{nothing ? s.enrolIntro(pending.email) : s.intro(pending.email)}</p>
      {nothing && (
        <button type="button" class="primary" disabled={busy} onClick={ceremony('enrolment')}>
          {s.enrolButton}
        </button>
      )}
      {pending.passkey && (
        <button type="button" class="primary" disabled={busy} onClick={ceremony('passkey')}>
          {s.passkeyButton}
        </button>
      )}
      {pending.authenticatorApp && (
        <form onSubmit={withCode}>
          <label for="sso-code">{s.codeLabel}</label>
          <input id="sso-code" name="code" autocomplete="one-time-code" required />
          <button type="submit">{s.codeButton}</button>
        </form>
      )}
      {refused && (
        <p role="alert" class="error">
          {s.stepRefused}
        </p>
      )}
      {back}
    </section>
  );
}
