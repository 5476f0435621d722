import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { MESSAGE_STATUSES } from '../contract/constants.js';
import type { ConsoleSession, QueueStats } from '../contract/index.js';
import { ConsoleApi } from './api.js';
import { STRINGS, type ConsoleLocale, type ConsoleStrings } from './strings.js';
import './console.css';

const api = new ConsoleApi();
const REFRESH_MS = 10_000;

function initialLocale(): ConsoleLocale {
  const saved = localStorage.getItem('console-locale');
  if (saved === 'en' || saved === 'fr') return saved;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function App() {
  const [locale, setLocale] = useState<ConsoleLocale>(initialLocale);
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
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
  const enrolToken = location.pathname === '/console/enrol' ? location.hash.slice(1) : null;
  let main;
  if (session === undefined) main = <p role="status">{t.loading}</p>;
  else if (session) main = <Dashboard t={t} locale={locale} />;
  else if (enrolToken !== null) main = <Enrol t={t} token={enrolToken} onSignedIn={setSession} />;
  else main = <SignIn t={t} onSignedIn={setSession} />;
  return (
    <>
      <header class="bar">
        <span class="brand">{t.title}</span>
        <nav aria-label={t.title}>{session && <a href="/console" aria-current="page">{t.navDashboard}</a>}</nav>
        <div class="who">
          {session && <span>{t.signedInAs(session.staff.email, session.staff.role)}</span>}
          {session && (
            <button
              type="button"
              class="link"
              onClick={async () => {
                await api.signOut();
                setSession(null);
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

function SignIn({ t, onSignedIn }: { t: ConsoleStrings; onSignedIn: (s: ConsoleSession) => void }) {
  const [failed, setFailed] = useState(false);
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

function Dashboard({ t, locale }: { t: ConsoleStrings; locale: ConsoleLocale }) {
  const [stats, setStats] = useState<QueueStats | null>(null);
  const [failed, setFailed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      const res = await api.queueStats().catch(() => null);
      if (stopped) return;
      if (res?.status === 200) {
        setStats(res.body);
        setFailed(false);
      } else setFailed(true);
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  const number = new Intl.NumberFormat(locale === 'fr' ? 'fr-CA' : 'en-CA');
  const time = (iso: string) => new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', { timeStyle: 'medium' }).format(new Date(iso));
  return (
    <section class="card">
      <h1 tabIndex={-1} ref={heading}>
        {t.dashboardHeading}
      </h1>
      {failed && (
        <p role="alert" class="error">
          {t.loadFailed}
        </p>
      )}
      {stats && (
        <>
          <dl class="figures" aria-live="polite">
            {MESSAGE_STATUSES.map((status) => (
              <div key={status}>
                <dt>{t.status[status]}</dt>
                <dd data-status={status}>{number.format(stats.byStatus[status])}</dd>
              </div>
            ))}
            <div>
              <dt>{t.sentLastHour}</dt>
              <dd>{number.format(stats.sentLastHour)}</dd>
            </div>
            <div>
              <dt>{t.sentLastDay}</dt>
              <dd>{number.format(stats.sentLastDay)}</dd>
            </div>
            <div>
              <dt>{t.suppressionsAdded}</dt>
              <dd>{number.format(stats.suppressionsAddedLastDay)}</dd>
            </div>
          </dl>
          <h2>{t.failuresHeading}</h2>
          {stats.failures.length ? (
            <table>
              <tbody>
                {stats.failures.map((f) => (
                  <tr key={f.reason}>
                    <td>{f.reason}</td>
                    <td class="count">{number.format(f.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t.noFailures}</p>
          )}
          <p class="muted">{t.updatedAt(time(stats.generatedAt))}</p>
        </>
      )}
    </section>
  );
}

render(<App />, document.getElementById('app')!);
