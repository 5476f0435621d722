import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { ConsoleSession, SsoRefusal } from '../contract/index.js';
import { ConsoleApi } from './api.js';
import { visibleTo } from './pages.js';
import { STRINGS, type ConsoleLocale, type ConsoleStrings } from './strings.js';
import { SECURITY_STRINGS } from './security-strings.js';
import { SsoSecondFactor, SsoSignIn, takeSsoStep, type SsoStep } from './sso.js';
import './console.css';

const api = new ConsoleApi();

/** Client-side navigation between the console's pages (each is also served at its own path). */
function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const back = () => setPath(location.pathname);
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  return [
    path,
    (next) => {
      history.pushState(null, '', next);
      setPath(next);
    },
  ];
}

function initialLocale(): ConsoleLocale {
  const saved = localStorage.getItem('console-locale');
  if (saved === 'en' || saved === 'fr') return saved;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function App() {
  const [locale, setLocale] = useState<ConsoleLocale>(initialLocale);
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [path, go] = usePath();
  const [ssoStep] = useState<SsoStep>(takeSsoStep);
  const t = STRINGS[locale];
  useEffect(() => {
    document.documentElement.lang = locale === 'fr' ? 'fr-CA' : 'en-CA';
    document.title = t.title;
    localStorage.setItem('console-locale', locale);
  }, [locale]);
  useEffect(() => {
    void api.session().then(setSession);
  }, []);
  const switchLanguage = (
    <button type="button" class="link" onClick={() => setLocale(locale === 'en' ? 'fr' : 'en')} lang={locale === 'en' ? 'fr' : 'en'}>
      {t.switchLanguage}
    </button>
  );
  const enrolToken = path === '/console/enrol' ? location.hash.slice(1) : null;
  const pages = session ? visibleTo(session.staff.role) : [];
  const current = pages.find((page) => page.path === path) ?? pages[0];
  let main;
  if (session === undefined) main = <p role="status">{t.loading}</p>;
  else if (session && current) main = <current.component api={api} t={t} locale={locale} session={session} />;
  else if (enrolToken !== null) main = <Enrol t={t} token={enrolToken} onSignedIn={setSession} />;
  else if (ssoStep?.kind === 'second-factor') main = <SsoSecondFactor api={api} t={t} locale={locale} onSignedIn={setSession} />;
  else main = <SignIn t={t} locale={locale} onSignedIn={setSession} ssoRefusal={ssoStep?.kind === 'refused' ? ssoStep.reason : null} />;
  return (
    <>
      <header class="bar">
        <span class="brand">{t.title}</span>
        <nav aria-label={t.title}>
          {pages.map((page) => (
            <a
              key={page.path}
              href={page.path}
              aria-current={page === current ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                go(page.path);
              }}
            >
              {page.label(t)}
            </a>
          ))}
        </nav>
        <div class="who">
          {session && <span>{t.signedInAs(session.staff.email, session.staff.role)}</span>}
          {session && (
            <button
              type="button"
              class="link"
              onClick={async () => {
                await api.signOut();
                setSession(null);
                go('/console');
              }}
            >
              {t.signOut}
            </button>
          )}
          {switchLanguage}
        </div>
      </header>
      <main id="main">{main}</main>
    </>
  );
}

function SignIn({ t, locale, onSignedIn, ssoRefusal }: { t: ConsoleStrings; locale: ConsoleLocale; onSignedIn: (s: ConsoleSession) => void; ssoRefusal: SsoRefusal | null }) {
  const s = SECURITY_STRINGS[locale];
  const [failed, setFailed] = useState(false);
  const [codeRefused, setCodeRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const signIn = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const { body } = await api.signInOptions();
      const response = await startAuthentication({ optionsJSON: body.options as never });
      const session = await api.signIn(body.challengeId, response);
      if (session) onSignedIn(session);
      else setFailed(true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  const withCode = (path: string) => async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const session = await api.signInWithCode(path, String(form.get('email') ?? ''), String(form.get('code') ?? ''));
    if (session) onSignedIn(session);
    else setCodeRefused(true);
  };
  return (
    <section class="card narrow">
      <h1>{t.signInHeading}</h1>
      <p>{t.signInIntro}</p>
      <button type="button" class="primary" disabled={busy} onClick={signIn}>
        {t.signInButton}
      </button>
      {failed && (
        <p role="alert" class="error">
          {t.signInFailed}
        </p>
      )}
      <SsoSignIn api={api} locale={locale} refusal={ssoRefusal} />
      <details class="fallback">
        <summary>{s.otherWays}</summary>
        <form onSubmit={withCode('/console/api/sign-in/code')}>
          <label for="code-email">{s.email}</label>
          <input id="code-email" name="email" type="email" autocomplete="username" required />
          <label for="app-code">{s.appCode}</label>
          <input id="app-code" name="code" inputMode="numeric" autocomplete="one-time-code" required />
          <button type="submit">{s.appCodeButton}</button>
        </form>
        <form onSubmit={withCode('/console/api/sign-in/recovery')}>
          <label for="recovery-email">{s.email}</label>
          <input id="recovery-email" name="email" type="email" autocomplete="username" required />
          <label for="recovery-code">{s.recoveryCode}</label>
          <input id="recovery-code" name="code" autocomplete="off" required />
          <button type="submit">{s.recoveryButton}</button>
        </form>
        {codeRefused && (
          <p role="alert" class="error">
            {s.codeRefused}
          </p>
        )}
      </details>
    </section>
  );
}

function Enrol({ t, token, onSignedIn }: { t: ConsoleStrings; token: string; onSignedIn: (s: ConsoleSession) => void }) {
  const [email, setEmail] = useState<string | null | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void api.enrolmentOptions(token).then((res) => setEmail(res.status === 200 ? res.body.email : null));
  }, [token]);
  const enrol = async () => {
    setFailed(false);
    try {
      const { status, body } = await api.enrolmentOptions(token);
      if (status !== 200) return setEmail(null);
      const response = await startRegistration({ optionsJSON: body.options as never });
      const session = await api.enrol(token, body.challengeId, response);
      if (!session) return setFailed(true);
      // The one-time token leaves the address bar and the history.
      history.replaceState(null, '', '/console');
      dispatchEvent(new PopStateEvent('popstate'));
      onSignedIn(session);
    } catch {
      setFailed(true);
    }
  };
  if (email === undefined) return <p role="status">{t.loading}</p>;
  if (email === null) {
    return (
      <section class="card narrow">
        <h1>{t.enrolHeading}</h1>
        <p role="alert" class="error">
          {t.enrolBroken}
        </p>
      </section>
    );
  }
  return (
    <section class="card narrow">
      <h1>{t.enrolHeading}</h1>
      <p>{t.enrolIntro(email)}</p>
      <button type="button" class="primary" onClick={enrol}>
        {t.enrolButton}
      </button>
      {failed && (
        <p role="alert" class="error">
          {t.enrolFailed}
        </p>
      )}
    </section>
  );
}

render(<App />, document.getElementById('app')!);
