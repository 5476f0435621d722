import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Me, Session } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { browser } from '../shared/browser.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { readManagedSettings } from '../shared/managed-settings.js';
import { clearSession, readState, saveSession, writeState } from '../shared/session-store.js';
import { UnavailableNotice, type Unavailable } from '../shared/unavailable-notice.js';
import { CodeForm } from './code-form.js';
import { EmailForm } from './email-form.js';
import { LoadingSkeleton } from './loading-skeleton.js';
import { OpenAdvisoriesLine } from './open-advisories-line.js';
import { PreferenceList } from './preference-list.js';
import { showOptionsSection } from './show-options-section.js';

type Screen =
  | { name: 'loading' }
  | { name: 'email'; email: string; notice: MessageKey | null }
  | { name: 'code'; email: string }
  | { name: 'unavailable'; reason: Unavailable; token: string }
  | { name: 'preferences'; token: string; me: Me };

const systemClock = () => Date.now();

export function PopupApp({ api, now = systemClock }: { api: ApiClient; now?: () => number }) {
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  /** The client's IT's `signInEmailHint`: a whole address fills the field; "@client.example" completes what is typed. */
  const [emailHint, setEmailHint] = useState<string | null>(null);

  const signedOut = useCallback(async (notice: MessageKey | null) => {
    await clearSession();
    setScreen({ name: 'email', email: '', notice });
  }, []);

  const loadMe = useCallback(
    async (token: string) => {
      setScreen({ name: 'loading' });
      const result = await api.getMe(token);
      if (result.ok) return setScreen({ name: 'preferences', token, me: result.value });
      const { error } = result;
      if (error.kind === 'unauthorized') return signedOut('common_session_expired');
      const reason = error.kind === 'offline' ? 'offline' : 'unreachable';
      setScreen({ name: 'unavailable', reason, token });
    },
    [api, signedOut],
  );

  useEffect(() => {
    void (async () => {
      const [state, managed] = await Promise.all([readState(), readManagedSettings()]);
      setEmailHint(managed.signInEmailHint);
      const expired = state.sessionExpiresAt !== null && Date.parse(state.sessionExpiresAt) <= now();
      if (state.sessionToken && !expired) return loadMe(state.sessionToken);
      if (state.sessionToken) return signedOut('common_session_expired');
      if (state.pendingEmail) return setScreen({ name: 'code', email: state.pendingEmail });
      setScreen({ name: 'email', email: '', notice: null });
    })();
  }, [loadMe, signedOut, now]);

  async function codeSent(email: string) {
    await writeState({ pendingEmail: email });
    setScreen({ name: 'code', email });
  }

  async function backToEmail(email: string) {
    await writeState({ pendingEmail: null });
    setScreen({ name: 'email', email, notice: null });
  }

  async function signedIn(session: Session) {
    await saveSession(session.token, session.expiresAt);
    await loadMe(session.token);
  }

  async function signOut(token: string) {
    // Best effort: the local session ends even when the server cannot be told.
    await api.signOut(token);
    await signedOut(null);
  }

  return (
    <main class="popup" aria-busy={screen.name === 'loading'}>
      <header class="brand" aria-hidden="true">
        SERVEITPRO
      </header>
      {screen.name === 'loading' && <LoadingSkeleton />}
      {screen.name === 'email' && (
        <EmailForm
          api={api}
          initialEmail={screen.email || (emailHint?.startsWith('@') ? '' : (emailHint ?? ''))}
          domainHint={emailHint?.startsWith('@') ? emailHint : null}
          notice={screen.notice}
          onSent={codeSent}
        />
      )}
      {screen.name === 'code' && (
        <CodeForm
          api={api}
          email={screen.email}
          onSignedIn={signedIn}
          onUseAnotherEmail={() => backToEmail(screen.email)}
          now={now}
        />
      )}
      {screen.name === 'unavailable' && (
        <UnavailableNotice reason={screen.reason} onRetry={() => loadMe(screen.token)} onSignOut={() => signOut(screen.token)} headingLevel="h1" />
      )}
      {screen.name === 'preferences' && (
        <>
          <PreferenceList
            api={api}
            token={screen.token}
            me={screen.me}
            onUnauthorized={() => signedOut('common_session_expired')}
          />
          {/* Below the switches, so nothing under the pointer moves when it appears. */}
          <OpenAdvisoriesLine api={api} token={screen.token} />
          <footer class="row footer">
            <button type="button" class="button link" onClick={() => browser.runtime.openOptionsPage()}>
              {t('prefs_account_settings')}
            </button>
            <button type="button" class="button link" onClick={() => void showOptionsSection('recent')}>
              {t('prefs_why_these_emails')}
            </button>
            <button type="button" class="button link" onClick={() => signOut(screen.token)}>
              {t('prefs_sign_out')}
            </button>
          </footer>
        </>
      )}
    </main>
  );
}
