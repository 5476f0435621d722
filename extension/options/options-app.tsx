import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ErasureReceipt, Me } from '../../contract/index.js';
import { createApiClient, type ApiClient } from '../shared/api-client.js';
import { t } from '../shared/i18n.js';
import { applyManagedServerUrl, readManagedSettings } from '../shared/managed-settings.js';
import { DEV_BUILD } from '../shared/server-url.js';
import { clearSession, readState, writeState, type OptionsSection } from '../shared/session-store.js';
import { UnavailableNotice, type Unavailable } from '../shared/unavailable-notice.js';
import { AccountForm } from './account-form.js';
import { AdvisoriesSection } from './advisories-section.js';
import { MutedTicketsSection } from './muted-tickets-section.js';
import { ErasureReceiptView, MyDataSection } from './my-data-section.js';
import { OrganizationSection } from './organization-section.js';
import { RecentEmails } from '../recent/recent-emails.js';
import { ManagedServerUrl, ServerUrlForm } from './server-url-form.js';

type Account =
  | { name: 'loading' }
  | { name: 'signed-out' }
  | { name: 'unavailable'; reason: Unavailable; token: string }
  | { name: 'ready'; token: string; me: Me }
  /** The contact erased their data: the session is gone and the receipt is shown. */
  | { name: 'erased'; receipt: ErasureReceipt };

interface Props {
  /** Tests pass a stub; the page builds a client for the stored server URL. */
  makeApi?: (serverUrl: string) => ApiClient;
  /** The developer server-URL setting: in development builds only (tests pass either). */
  developerSettings?: boolean;
}

const clientFor = (serverUrl: string) => createApiClient({ serverUrl });

export function OptionsApp({ makeApi = clientFor, developerSettings = DEV_BUILD }: Props) {
  const [serverUrl, setServerUrl] = useState<string | null>(null);
  /** Set by the organization's policy: shown read-only, and the developer setting is gone. */
  const [managedServerUrl, setManagedServerUrl] = useState<string | null>(null);
  const [account, setAccount] = useState<Account>({ name: 'loading' });
  const [shownSection, setShownSection] = useState<OptionsSection | null>(null);
  const advisoriesHeading = useRef<HTMLHeadingElement>(null);
  const recentSection = useRef<HTMLDivElement>(null);
  const api = useMemo(() => (serverUrl === null ? null : makeApi(serverUrl)), [serverUrl, makeApi]);

  /** The section the popup asked for, once: the request is cleared as it is read. */
  const takeShownSection = useCallback(async (section: OptionsSection | null) => {
    if (section === null) return;
    setShownSection(section);
    await writeState({ optionsSection: null });
  }, []);

  const load = useCallback(async () => {
    setAccount({ name: 'loading' });
    const managed = await readManagedSettings();
    setManagedServerUrl(managed.serverUrl);
    // The background applies a policy too; reading it here means no page ever uses a stale server.
    await applyManagedServerUrl(managed);
    const state = await readState();
    setServerUrl(state.serverUrl);
    await takeShownSection(state.optionsSection);
    if (!state.sessionToken) return setAccount({ name: 'signed-out' });
    const result = await makeApi(state.serverUrl).getMe(state.sessionToken);
    if (result.ok) return setAccount({ name: 'ready', token: state.sessionToken, me: result.value });
    if (result.error.kind === 'unauthorized') {
      await clearSession();
      return setAccount({ name: 'signed-out' });
    }
    setAccount({ name: 'unavailable', reason: result.error.kind === 'offline' ? 'offline' : 'unreachable', token: state.sessionToken });
  }, [makeApi, takeShownSection]);

  useEffect(() => {
    void load();
  }, [load]);

  // openOptionsPage only brings back a page already open: the request is read again when it does.
  useEffect(() => {
    const reread = () => void readState().then((state) => takeShownSection(state.optionsSection));
    window.addEventListener('focus', reread);
    return () => window.removeEventListener('focus', reread);
  }, [takeShownSection]);

  // The popup asked for this section: it takes focus, which scrolls it into view.
  useEffect(() => {
    if (account.name !== 'ready' || shownSection === null) return;
    (shownSection === 'advisories' ? advisoriesHeading : recentSection).current?.focus();
    setShownSection(null);
  }, [account.name, shownSection]);

  const signOut = useCallback(() => void clearSession().then(() => setAccount({ name: 'signed-out' })), []);

  /** Sign out pressed: as in the popup, the server is told (best effort) and the local session ends anyway. */
  const signOutPressed = useCallback(
    async (token: string) => {
      if (api) await api.signOut(token).catch(() => undefined);
      signOut();
    },
    [api, signOut],
  );

  const erased = useCallback(async (receipt: ErasureReceipt) => {
    // The server already ended the session; a storage failure must not hide the receipt.
    await clearSession().catch(() => undefined);
    setAccount({ name: 'erased', receipt });
  }, []);

  return (
    <main class="options">
      <h1 class="title">{t('options_title')}</h1>
      <section class="card stack" aria-labelledby="account-heading" aria-busy={account.name === 'loading'}>
        <h2 id="account-heading">{t('options_account_heading')}</h2>
        {account.name === 'loading' && <p class="muted">{t('common_loading')}</p>}
        {account.name === 'signed-out' && <p>{t('options_signed_out')}</p>}
        {account.name === 'erased' && <p>{t('options_data_deleted_signed_out')}</p>}
        {account.name === 'unavailable' && (
          <UnavailableNotice reason={account.reason} onRetry={load} onSignOut={() => void signOutPressed(account.token)} />
        )}
        {account.name === 'ready' && api && (
          <AccountForm
            api={api}
            token={account.token}
            me={account.me}
            onUnauthorized={signOut}
            onSignOut={() => void signOutPressed(account.token)}
          />
        )}
      </section>
      {account.name === 'ready' && api && (
        <section id="advisories" class="card stack" aria-labelledby="advisories-heading">
          <h2 id="advisories-heading" ref={advisoriesHeading} tabIndex={-1}>
            {t('options_advisories_heading')}
          </h2>
          <AdvisoriesSection api={api} token={account.token} organizationName={account.me.contact.organizationName} onUnauthorized={signOut} />
        </section>
      )}
      {account.name === 'ready' && api && (
        <div id="recent" class="card" ref={recentSection} tabIndex={-1}>
          <RecentEmails api={api} token={account.token} me={account.me} onUnauthorized={signOut} />
        </div>
      )}
      {account.name === 'ready' && api && (
        <section class="card stack" aria-labelledby="muted-heading">
          <h2 id="muted-heading">{t('options_muted_heading')}</h2>
          <MutedTicketsSection api={api} token={account.token} onUnauthorized={signOut} />
        </section>
      )}
      {account.name === 'ready' && account.me.contact.orgLead && api && (
        <section class="card stack" aria-labelledby="organization-heading">
          <h2 id="organization-heading">{t('options_org_heading')}</h2>
          <OrganizationSection api={api} token={account.token} categories={account.me.categories} onUnauthorized={signOut} />
        </section>
      )}
      {(account.name === 'ready' || account.name === 'erased') && (
        <section class="card stack" aria-labelledby="data-heading">
          <h2 id="data-heading">{t('options_data_heading')}</h2>
          {account.name === 'ready' && api && (
            <MyDataSection api={api} token={account.token} onUnauthorized={signOut} onErased={(r) => void erased(r)} />
          )}
          {account.name === 'erased' && <ErasureReceiptView receipt={account.receipt} />}
        </section>
      )}
      {managedServerUrl !== null && (
        <section class="card stack" aria-labelledby="server-heading">
          <h2 id="server-heading">{t('options_server_heading')}</h2>
          <ManagedServerUrl serverUrl={managedServerUrl} />
        </section>
      )}
      {managedServerUrl === null && developerSettings && (
        <section class="card stack" aria-labelledby="dev-heading">
          <h2 id="dev-heading">{t('options_dev_heading')}</h2>
          {serverUrl !== null && <ServerUrlForm serverUrl={serverUrl} onChanged={load} />}
        </section>
      )}
    </main>
  );
}
