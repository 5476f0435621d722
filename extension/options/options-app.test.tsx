// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../../test/extension/fake-browser.js';
import { deferred, fail, ok, problem, sampleAdvisory, sampleLead, sampleMe, sampleOrganization, stubApi } from '../../test/extension/fixtures.js';
import type { ApiClient, ApiResult } from '../shared/api-client.js';
import type { ErasureReceipt, MyAdvisory, MyDataExport, MyOrganization } from '../../contract/index.js';
import { REVOKE_AFTER_MS } from './save-file.js';
import { OptionsApp } from './options-app.js';

vi.mock('../shared/browser.js', () => import('../../test/extension/fake-browser.js'));

beforeEach(() => fake.reset('en'));
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('options page', () => {
  it('when signed in, then name and language are editable and the organization is read-only', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe())),
      updateMe: vi.fn(async () => {
        const me = sampleMe();
        return ok({ ...me, contact: { ...me.contact, name: 'Alex M.', locale: 'fr' as const } });
      }),
    });
    render(<OptionsApp makeApi={() => api} />);

    const name = (await screen.findByRole('textbox', { name: 'Name' })) as HTMLInputElement;
    expect(name.value).toBe('Alex Martin');
    expect((screen.getByRole('textbox', { name: 'Organization' }) as HTMLInputElement).readOnly).toBe(true);

    fireEvent.input(name, { target: { value: '  Alex M. ' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Language of our emails' }), { target: { value: 'fr' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.getAllByRole('status')[0]!.textContent).toBe('Saved'));
    expect(api.updateMe).toHaveBeenCalledWith('tok-1', { name: 'Alex M.', locale: 'fr' });
  });

  it('when the session was revoked, then it says to sign in from the popup', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })) });
    render(<OptionsApp makeApi={() => api} />);
    expect(await screen.findByText('Sign in with the toolbar button to edit your account.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when a new server URL is saved, then it is stored, normalized, and the session is dropped', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())) });
    const makeApi = vi.fn(() => api);
    render(<OptionsApp makeApi={makeApi} />);
    const url = (await screen.findByRole('textbox', { name: 'Server URL' })) as HTMLInputElement;
    expect(url.value).toBe('http://localhost:3000');

    fireEvent.input(url, { target: { value: 'ftp://nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save server URL' }));
    expect(await screen.findByText('Enter an http:// or https:// address.')).toBeTruthy();

    fireEvent.input(url, { target: { value: 'https://dev.serveitpro.example/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save server URL' }));
    expect(await screen.findByText('Sign in with the toolbar button to edit your account.')).toBeTruthy();
    expect(fake.storage.get('serverUrl')).toBe('https://dev.serveitpro.example');
    expect(fake.storage.get('sessionToken')).toBeNull();
  });
});

const RECEIPT: ErasureReceipt = {
  id: 'er-42',
  erased: ['email', 'name', 'job-title', 'locale', 'preferences'],
  kept: [
    { data: 'consent-history', why: 'Proof of consent that Canada’s anti-spam law (CASL) requires a sender to keep.' },
    { data: 'message-log', why: 'Kept until the message-log retention period ends.' },
  ],
};

async function signedIn(overrides: Parameters<typeof stubApi>[0] = {}) {
  fake.storage.set('sessionToken', 'tok-1');
  fake.storage.set('sessionExpiresAt', '2026-12-26T00:00:00Z');
  const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), ...overrides });
  render(<OptionsApp makeApi={() => api} />);
  await screen.findByRole('heading', { name: 'Your data' });
  return api;
}

describe('options page: your data', () => {
  it('when nobody is signed in, then there is no data section', async () => {
    render(<OptionsApp makeApi={() => stubApi()} />);
    await screen.findByText('Sign in with the toolbar button to edit your account.');
    expect(screen.queryByRole('heading', { name: 'Your data' })).toBeNull();
  });

  it('when "Download my data" is pressed, then the export is fetched and saved as my-data-<date>.json, and the URL revoked', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date(2026, 10, 26, 9, 30));
    const document_: MyDataExport = {
      exportedAt: '2026-11-26T14:30:00.000Z',
      contact: { id: 'c-1', email: 'alex@client.example', name: null, phone: null, jobTitle: null, locale: 'en', organization: null },
      preferences: { newsletter: true },
      consentHistory: [],
      messages: [],
      advisoryAcknowledgments: [],
    };
    const api = await signedIn({ exportMyData: vi.fn(async () => ok(document_)) });

    let blob: Blob | null = null;
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => ((blob = b as Blob), 'blob:ext/123'));
    const revokeObjectURL = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: { href: string; download: string; inDocument: boolean }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download, inDocument: this.isConnected });
    });

    fireEvent.click(screen.getByRole('button', { name: 'Download my data' }));

    expect(await screen.findByText('Downloaded my-data-2026-11-26.json.')).toBeTruthy();
    expect(api.exportMyData).toHaveBeenCalledExactlyOnceWith('tok-1');
    expect(createObjectURL).toHaveBeenCalledOnce();
    expect(clicked).toEqual([{ href: 'blob:ext/123', download: 'my-data-2026-11-26.json', inDocument: true }]);
    expect(document.querySelector('a[download]')).toBeNull();
    expect(blob!.type).toBe('application/json');
    expect(JSON.parse(await blob!.text())).toEqual(document_);

    expect(revokeObjectURL).not.toHaveBeenCalled();
    vi.advanceTimersByTime(REVOKE_AFTER_MS);
    expect(revokeObjectURL).toHaveBeenCalledExactlyOnceWith('blob:ext/123');
  });

  it('when the export fails, then it says so, saves nothing and keeps the session', async () => {
    await signedIn({ exportMyData: vi.fn(async () => fail({ kind: 'offline' })) });
    const createObjectURL = vi.spyOn(URL, 'createObjectURL');

    fireEvent.click(screen.getByRole('button', { name: 'Download my data' }));

    expect(
      await screen.findByText("Couldn't download your data. Check your internet connection, then try again."),
    ).toBeTruthy();
    expect(createObjectURL).not.toHaveBeenCalled();
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
  });

  it('when "Delete my data" is pressed, then nothing is erased until the permanent confirmation, which takes focus', async () => {
    const api = await signedIn({ eraseMe: vi.fn(async () => ok(RECEIPT)) });
    const toggle = screen.getByRole('button', { name: 'Delete my data' });
    expect(screen.queryByRole('button', { name: 'Permanently delete my data' })).toBeNull();

    fireEvent.click(toggle);

    const confirmation = screen.getByRole('group', { name: 'Delete your data?' });
    await waitFor(() => expect(document.activeElement).toBe(confirmation));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(confirmation.textContent).toContain('the history of your consent choices, as proof of consent');
    expect(confirmation.textContent).toContain('the log of emails sent to you, until the end of its retention period');
    expect(api.eraseMe).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Keep my data' }));
    expect(screen.queryByRole('group', { name: 'Delete your data?' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(toggle));
    expect(api.eraseMe).not.toHaveBeenCalled();
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
  });

  it('when the erasure is confirmed, then the API is called once, the session is cleared and the receipt is shown', async () => {
    const answer = deferred<ApiResult<ErasureReceipt>>();
    const api = await signedIn({ eraseMe: vi.fn(() => answer.promise) });

    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }));
    const confirm = screen.getByRole('button', { name: 'Permanently delete my data' });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText('Deleting…')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
    answer.resolve(ok(RECEIPT));

    const heading = await screen.findByRole('heading', { name: 'Your data was deleted' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(api.eraseMe).toHaveBeenCalledExactlyOnceWith('tok-1');
    expect(fake.storage.get('sessionToken')).toBeNull();
    expect(fake.storage.get('sessionExpiresAt')).toBeNull();

    expect(screen.getAllByText("You're signed out.")).toHaveLength(1);
    expect(screen.getByText('Receipt number: er-42')).toBeTruthy();
    const erased = screen.getByRole('list', { name: 'Erased' });
    expect([...erased.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Email address', 'Name', 'Job title', 'Language', 'Email preferences']);
    const kept = screen.getByRole('heading', { name: 'Kept, and why' }).parentElement!;
    expect(kept.textContent).toContain('History of your consent choices');
    expect(kept.textContent).toContain("Canada's anti-spam law (CASL) requires us to keep proof of consent.");
    expect(kept.textContent).toContain('Log of the emails sent');
    // Signed out: nothing left to edit, download or delete.
    expect(screen.queryByRole('textbox', { name: 'Name' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Download my data' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete my data' })).toBeNull();
  });

  it('when the browser is in French, then the receipt is all French: no code, no English, the session closed said once', async () => {
    fake.reset('fr');
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), eraseMe: vi.fn(async () => ok(RECEIPT)) });
    render(<OptionsApp makeApi={() => api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Supprimer mes données' }));
    fireEvent.click(screen.getByRole('button', { name: 'Supprimer définitivement mes données' }));
    await screen.findByRole('heading', { name: 'Vos données ont été supprimées' });

    expect(screen.getAllByText('Votre session a été fermée.')).toHaveLength(1);
    const erased = screen.getByRole('list', { name: 'Effacé' });
    expect([...erased.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Adresse courriel', 'Nom', 'Fonction', 'Langue', 'Préférences de courriel']);
    const kept = screen.getByRole('heading', { name: 'Conservé, et pourquoi' }).parentElement!.textContent!;
    expect(kept).toContain('Historique de vos choix de consentement');
    expect(kept).toContain('La Loi canadienne anti-pourriel (LCAP)');
    for (const english of ['CASL requires', 'retention', 'jobTitle', 'job-title', 'consent-history', 'message-log']) expect(kept + erased.textContent).not.toContain(english);
  });

  it('when the erasure fails, then it says nothing was deleted and the session stays', async () => {
    const api = await signedIn({ eraseMe: vi.fn(async () => fail({ kind: 'unreachable', problem: problem(503) })) });

    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }));
    fireEvent.click(screen.getByRole('button', { name: 'Permanently delete my data' }));

    expect(
      await screen.findByText("Your data was not deleted. The server isn't answering right now. Try again in a moment."),
    ).toBeTruthy();
    expect(api.eraseMe).toHaveBeenCalledOnce();
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
    expect(screen.getByRole('textbox', { name: 'Name' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Permanently delete my data' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Your data was deleted' })).toBeNull();
  });
});

describe('options page: your organization (a lead)', () => {
  const lockOf = (category: string) =>
    within(screen.getByRole('group', { name: category })).getByRole('checkbox', { name: 'Required for all staff' }) as HTMLInputElement;
  /** The staff table as its cells read to a screen reader: the row header, then each cell's words. */
  const tableText = (caption = 'Who receives what') =>
    [...screen.getByRole('table', { name: caption }).querySelectorAll('tr')].map((row) =>
      [...row.children].map((cell) => cell.querySelector('.visually-hidden')?.textContent ?? cell.textContent),
    );
  const defaultOf = (category: string, label = 'For staff who have not chosen') =>
    within(screen.getByRole('group', { name: category })).getByRole('combobox', { name: label }) as HTMLSelectElement;
  /** The option a select shows. */
  const chosen = (select: HTMLSelectElement) => select.options[select.selectedIndex]?.textContent;
  const shownOptions = (select: HTMLSelectElement) => [...select.options].map((option) => option.textContent);
  /** The sample organization, with newsletter on for staff who never chose. */
  const withNewsletterOn = (): MyOrganization => {
    const organization = sampleOrganization();
    return { ...organization, policy: { ...organization.policy, newsletter: { default: true, locked: false } } };
  };
  const statusOf = (section = 'Your organization') => within(screen.getByRole('region', { name: section })).getByRole('status');

  async function signedInAsLead(overrides: Parameters<typeof stubApi>[0] = {}) {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleLead())), getMyOrganization: vi.fn(async () => ok(sampleOrganization())), ...overrides });
    render(<OptionsApp makeApi={() => api} />);
    await screen.findByRole('group', { name: 'Monthly newsletter' });
    return api;
  }

  it('when the contact is not their organization’s lead, then there is no organization section and nothing is asked of the server', async () => {
    const api = await signedIn();
    expect(screen.queryByRole('heading', { name: 'Your organization' })).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(api.getMyOrganization).not.toHaveBeenCalled();
  });

  it('when the contact is the lead, then each lockable category has a labelled checkbox and the staff table says who receives what', async () => {
    const api = await signedInAsLead();

    expect(screen.getByRole('heading', { name: 'Your organization' })).toBeTruthy();
    expect(api.getMyOrganization).toHaveBeenCalledExactlyOnceWith('tok-1');
    expect(
      screen.getByText(
        "An email you make required is sent to all staff at Client Co, and nobody can turn it off. Emails sent only with each person's express consent can't be made required.",
      ),
    ).toBeTruthy();
    // Security is required for everyone already; events rests on express consent: neither can be locked.
    expect(screen.getAllByRole('checkbox', { name: 'Required for all staff' })).toHaveLength(1);
    expect(screen.queryByRole('group', { name: 'Security alerts' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Events and webinars' })).toBeNull();
    expect(lockOf('Monthly newsletter').checked).toBe(false);
    expect(tableText()).toEqual([
      ['Person', 'Security alerts', 'Monthly newsletter', 'Events and webinars'],
      ['Alex Martin', 'receives', 'receives', 'does not receive'],
      ['sam@client.example', 'receives', 'does not receive', 'receives'],
    ]);
    const marks = [...screen.getByRole('table').querySelectorAll('td [aria-hidden="true"]')].map((mark) => mark.textContent);
    expect(marks).toEqual(['✓', '✓', '—', '✓', '—', '✓']);
  });

  it('when a lock is checked, then only that category is sent, saving then saved is announced, and the table shows everyone receiving it', async () => {
    const saving = deferred<ApiResult<MyOrganization>>();
    const api = await signedInAsLead({ updateOrganizationPolicy: vi.fn(() => saving.promise) });

    fireEvent.click(lockOf('Monthly newsletter'));
    expect(lockOf('Monthly newsletter').checked).toBe(true);
    await waitFor(() => expect(statusOf().textContent).toBe('Saving…'));
    expect(api.updateOrganizationPolicy).toHaveBeenCalledExactlyOnceWith('tok-1', { newsletter: { locked: true } });

    saving.resolve(ok(sampleOrganization(true)));
    await waitFor(() => expect(statusOf().textContent).toBe('Saved'));
    expect(lockOf('Monthly newsletter').checked).toBe(true);
    expect(tableText().slice(1)).toEqual([
      ['Alex Martin', 'receives', 'receives', 'does not receive'],
      ['sam@client.example', 'receives', 'receives', 'receives'],
    ]);
  });

  it('when a lock is cleared, then it sends locked: false', async () => {
    const api = await signedInAsLead({
      getMyOrganization: vi.fn(async () => ok(sampleOrganization(true))),
      updateOrganizationPolicy: vi.fn(async () => ok(sampleOrganization(false))),
    });
    expect(lockOf('Monthly newsletter').checked).toBe(true);

    fireEvent.click(lockOf('Monthly newsletter'));
    await waitFor(() => expect(statusOf().textContent).toBe('Saved'));
    expect(api.updateOrganizationPolicy).toHaveBeenCalledExactlyOnceWith('tok-1', { newsletter: { locked: false } });
    expect(lockOf('Monthly newsletter').checked).toBe(false);
  });

  it('when the server refuses the lock, then the checkbox goes back and the failure is announced with its reason', async () => {
    await signedInAsLead({ updateOrganizationPolicy: vi.fn(async () => fail({ kind: 'problem', problem: problem(400) })) });

    fireEvent.click(lockOf('Monthly newsletter'));
    await waitFor(() => expect(statusOf().textContent).toBe("Couldn't save. Your change was undone. Something went wrong. Try again."));
    expect(lockOf('Monthly newsletter').checked).toBe(false);
    expect(tableText()[2]).toEqual(['sam@client.example', 'receives', 'does not receive', 'receives']);
  });

  it('when the server cannot be reached, then the lock goes back and it says the server is not answering', async () => {
    await signedInAsLead({
      getMyOrganization: vi.fn(async () => ok(sampleOrganization(true))),
      updateOrganizationPolicy: vi.fn(async () => fail({ kind: 'unreachable', problem: null })),
    });

    fireEvent.click(lockOf('Monthly newsletter'));
    await waitFor(() =>
      expect(statusOf().textContent).toBe("Couldn't save. Your change was undone. The server isn't answering right now. Try again in a moment."),
    );
    expect(lockOf('Monthly newsletter').checked).toBe(true);
  });

  it('when the browser is in French, then the section speaks Quebec French', async () => {
    fake.reset('fr-CA');
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleLead())),
      getMyOrganization: vi.fn(async () => ok(sampleOrganization())),
      updateOrganizationPolicy: vi.fn(async () => fail({ kind: 'offline' })),
    });
    render(<OptionsApp makeApi={() => api} />);

    const group = await screen.findByRole('group', { name: 'Lettre mensuelle' });
    expect(screen.getByRole('heading', { name: 'Votre organisation' })).toBeTruthy();
    const lock = within(group).getByRole('checkbox', { name: 'Obligatoire pour tout le personnel' });
    const byDefault = defaultOf('Lettre mensuelle', 'Pour le personnel qui n’a pas choisi');
    expect(shownOptions(byDefault)).toEqual(['Valeur habituelle', 'Activé', 'Désactivé']);
    expect(chosen(byDefault)).toBe('Valeur habituelle');
    expect(tableText('Qui reçoit quoi')).toEqual([
      ['Personne', 'Alertes de sécurité', 'Lettre mensuelle', 'Événements et webinaires'],
      ['Alex Martin', 'reçoit', 'reçoit', 'ne reçoit pas'],
      ['sam@client.example', 'reçoit', 'ne reçoit pas', 'reçoit'],
    ]);

    fireEvent.click(lock);
    await waitFor(() =>
      expect(statusOf('Votre organisation').textContent).toBe(
        'Échec de l’enregistrement. Votre modification a été annulée. Vérifiez votre connexion Internet, puis réessayez.',
      ),
    );
    expect((lock as HTMLInputElement).checked).toBe(false);

    fireEvent.change(byDefault, { target: { value: 'false' } });
    await waitFor(() => expect(api.updateOrganizationPolicy).toHaveBeenLastCalledWith('tok-1', { newsletter: { default: false } }));
    await waitFor(() => expect(chosen(byDefault)).toBe('Valeur habituelle'));
    expect(statusOf('Votre organisation').textContent).toBe(
      'Échec de l’enregistrement. Votre modification a été annulée. Vérifiez votre connexion Internet, puis réessayez.',
    );
  });

  it('when the organization has a default for staff who have not chosen, then each category shows it among usual default, on and off', async () => {
    await signedInAsLead({ getMyOrganization: vi.fn(async () => ok(withNewsletterOn())) });

    expect(screen.getAllByRole('combobox', { name: 'For staff who have not chosen' })).toHaveLength(1);
    expect(shownOptions(defaultOf('Monthly newsletter'))).toEqual(['Usual default', 'On', 'Off']);
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('On');
  });

  it('when a default is chosen, then only that category’s default is sent, and the answer shows', async () => {
    const saving = deferred<ApiResult<MyOrganization>>();
    const api = await signedInAsLead({ updateOrganizationPolicy: vi.fn(() => saving.promise) });
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('Usual default');

    fireEvent.change(defaultOf('Monthly newsletter'), { target: { value: 'true' } });
    await waitFor(() => expect(statusOf().textContent).toBe('Saving…'));
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('On');
    expect(api.updateOrganizationPolicy).toHaveBeenCalledExactlyOnceWith('tok-1', { newsletter: { default: true } });

    saving.resolve(ok(withNewsletterOn()));
    await waitFor(() => expect(statusOf().textContent).toBe('Saved'));
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('On');
    expect(lockOf('Monthly newsletter').checked).toBe(false);
  });

  it('when the usual default is chosen again, then it sends default: null; off sends false', async () => {
    const api = await signedInAsLead({
      getMyOrganization: vi.fn(async () => ok(withNewsletterOn())),
      updateOrganizationPolicy: vi.fn(async () => ok(sampleOrganization())),
    });

    fireEvent.change(defaultOf('Monthly newsletter'), { target: { value: 'null' } });
    await waitFor(() => expect(statusOf().textContent).toBe('Saved'));
    expect(api.updateOrganizationPolicy).toHaveBeenLastCalledWith('tok-1', { newsletter: { default: null } });
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('Usual default');

    fireEvent.change(defaultOf('Monthly newsletter'), { target: { value: 'false' } });
    await waitFor(() => expect(api.updateOrganizationPolicy).toHaveBeenCalledTimes(2));
    expect(api.updateOrganizationPolicy).toHaveBeenLastCalledWith('tok-1', { newsletter: { default: false } });
  });

  it('when the server refuses the default, then the choice goes back, the lock is untouched, and the failure is announced', async () => {
    await signedInAsLead({
      getMyOrganization: vi.fn(async () => ok(sampleOrganization(true))),
      updateOrganizationPolicy: vi.fn(async () => fail({ kind: 'problem', problem: problem(400) })),
    });

    fireEvent.change(defaultOf('Monthly newsletter'), { target: { value: 'false' } });
    await waitFor(() => expect(statusOf().textContent).toBe("Couldn't save. Your change was undone. Something went wrong. Try again."));
    expect(chosen(defaultOf('Monthly newsletter'))).toBe('Usual default');
    expect(defaultOf('Monthly newsletter').value).toBe('null');
    expect(lockOf('Monthly newsletter').checked).toBe(true);
  });

  it('when the organization cannot be loaded, then it says so and Retry loads it', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const getMyOrganization = vi.fn<ApiClient['getMyOrganization']>(async () => fail({ kind: 'unreachable', problem: null }));
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleLead())), getMyOrganization })} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("Couldn't load your organization. The server isn't answering right now. Try again in a moment.");
    getMyOrganization.mockImplementation(async () => ok(sampleOrganization()));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('group', { name: 'Monthly newsletter' })).toBeTruthy();
    expect(getMyOrganization).toHaveBeenCalledTimes(2);
  });

  it('when a lock change answers 401, then the page signs out', async () => {
    await signedInAsLead({ updateOrganizationPolicy: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })) });
    fireEvent.click(lockOf('Monthly newsletter'));
    expect(await screen.findByText('Sign in with the toolbar button to edit your account.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Your organization' })).toBeNull();
  });
});

describe('options page: muted tickets', () => {
  const MUTED = [
    { ticketId: 'T-42', mutedAt: '2026-11-26T12:00:00.000Z' },
    { ticketId: 'T-57', mutedAt: '2026-12-03T12:00:00.000Z' },
  ];
  const sectionOf = (name: string) => screen.getByRole('region', { name });
  const rowsOf = (section: HTMLElement) =>
    within(section)
      .queryAllByRole('listitem')
      .map((row) => row.textContent);

  async function withMuted(overrides: Parameters<typeof stubApi>[0] = {}, heading = 'Muted tickets') {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), getMutedTickets: vi.fn(async () => ok(MUTED)), ...overrides });
    render(<OptionsApp makeApi={() => api} />);
    await screen.findByRole('heading', { name: heading });
    await waitFor(() => expect(within(sectionOf(heading)).queryAllByRole('listitem').length).toBeGreaterThan(0));
    return { api, section: sectionOf(heading) };
  }

  it('when tickets are muted, then each is listed with its date in English and an Unmute button named with it', async () => {
    const { api, section } = await withMuted();
    expect(api.getMutedTickets).toHaveBeenCalledExactlyOnceWith('tok-1');
    expect(rowsOf(section)).toEqual(['T-42Muted on November 26, 2026Unmute', 'T-57Muted on December 3, 2026Unmute']);
    expect(within(section).getByText("You don't get updates about these tickets. Unmute one to get its updates again.")).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Unmute T-42' })).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Unmute T-57' })).toBeTruthy();
  });

  it('when the browser is in French, then the section, dates and buttons are in Quebec French', async () => {
    fake.reset('fr-CA');
    const { section } = await withMuted({}, 'Demandes mises en sourdine');
    expect(rowsOf(section)).toEqual(['T-42Mise en sourdine le 26 novembre 2026Réactiver', 'T-57Mise en sourdine le 3 décembre 2026Réactiver']);
    expect(within(section).getByRole('button', { name: 'Réactiver T-42' })).toBeTruthy();
  });

  it('when no ticket is muted, then one line says so', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    expect(await screen.findByText("You haven't muted any tickets.")).toBeTruthy();
    expect(within(sectionOf('Muted tickets')).queryByRole('list')).toBeNull();
    expect(within(sectionOf('Muted tickets')).queryByRole('button')).toBeNull();
  });

  it('when Unmute is pressed, then it DELETEs that ticket, its row goes, it says so and focus moves to the next row', async () => {
    const unmuting = deferred<ApiResult<null>>();
    const { api, section } = await withMuted({ unmuteTicket: vi.fn(() => unmuting.promise) });

    fireEvent.click(within(section).getByRole('button', { name: 'Unmute T-42' }));
    await waitFor(() => expect(within(section).getByRole('status').textContent).toBe('Saving…'));
    expect(api.unmuteTicket).toHaveBeenCalledExactlyOnceWith('tok-1', 'T-42');

    unmuting.resolve(ok(null));
    await waitFor(() => expect(rowsOf(section)).toEqual(['T-57Muted on December 3, 2026Unmute']));
    expect(within(section).getByRole('status').textContent).toBe('Updates about ticket T-42 are back on.');
    expect(document.activeElement).toBe(within(section).getByRole('button', { name: 'Unmute T-57' }));
  });

  it('when the last one is unmuted, then the line saying there are none takes its place and the focus', async () => {
    const { section } = await withMuted({ getMutedTickets: vi.fn(async () => ok(MUTED.slice(0, 1))), unmuteTicket: vi.fn(async () => ok(null)) });
    fireEvent.click(within(section).getByRole('button', { name: 'Unmute T-42' }));
    const none = await within(section).findByText("You haven't muted any tickets.");
    expect(rowsOf(section)).toEqual([]);
    expect(document.activeElement).toBe(none);
  });

  it('when the server refuses, then the row stays and the failure says which ticket and why', async () => {
    const { section } = await withMuted({ unmuteTicket: vi.fn(async () => fail({ kind: 'problem', problem: problem(403) })) });
    fireEvent.click(within(section).getByRole('button', { name: 'Unmute T-57' }));
    await waitFor(() =>
      expect(within(section).getByRole('status').textContent).toBe("Couldn't unmute ticket T-57. Something went wrong. Try again."),
    );
    expect(rowsOf(section)).toEqual(['T-42Muted on November 26, 2026Unmute', 'T-57Muted on December 3, 2026Unmute']);
  });

  it('when the server refuses in French, then the failure is in French', async () => {
    fake.reset('fr-CA');
    const { section } = await withMuted({ unmuteTicket: vi.fn(async () => fail({ kind: 'offline' })) }, 'Demandes mises en sourdine');
    fireEvent.click(within(section).getByRole('button', { name: 'Réactiver T-42' }));
    await waitFor(() =>
      expect(within(section).getByRole('status').textContent).toBe(
        'Impossible de réactiver la demande T-42. Vérifiez votre connexion Internet, puis réessayez.',
      ),
    );
    expect(rowsOf(section)).toHaveLength(2);
  });

  it('when the ticket was no longer muted (404), then its row goes as if unmuted', async () => {
    const { section } = await withMuted({ unmuteTicket: vi.fn(async () => fail({ kind: 'problem', problem: problem(404) })) });
    fireEvent.click(within(section).getByRole('button', { name: 'Unmute T-42' }));
    await waitFor(() => expect(rowsOf(section)).toEqual(['T-57Muted on December 3, 2026Unmute']));
  });

  it('when the list cannot be loaded, then it says so and Retry loads it', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const getMutedTickets = vi.fn<ApiClient['getMutedTickets']>(async () => fail({ kind: 'unreachable', problem: null }));
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())), getMutedTickets })} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("Couldn't load your muted tickets. The server isn't answering right now. Try again in a moment.");
    getMutedTickets.mockImplementation(async () => ok(MUTED));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('button', { name: 'Unmute T-42' })).toBeTruthy();
    expect(getMutedTickets).toHaveBeenCalledTimes(2);
  });
});

describe('options page: security advisories', () => {
  const READ_BY_MARIE = { at: '2026-12-01T15:00:00.000Z', by: 'Marie Tremblay', byMe: false };
  /** Waiting first, as the server sends them: one critical nobody answered, then a high one read and fixed. */
  const ADVISORIES = [
    sampleAdvisory(),
    sampleAdvisory({
      id: 'ADV-2026-009',
      severity: 'high',
      title: 'Mettez à jour le micrologiciel des imprimantes',
      summary: 'Une faille permet d’imprimer à distance.',
      language: 'fr',
      publishedAt: '2026-11-02T13:00:00.000Z',
      read: READ_BY_MARIE,
      applied: { at: '2026-12-02T16:00:00.000Z', by: 'Alex Martin', byMe: true },
    }),
  ];
  const sectionOf = (name = 'Security advisories') => screen.getByRole('region', { name });
  const itemOf = (title: string) => screen.getByRole('heading', { name: title }).closest('li')!;
  const buttonsIn = (element: HTMLElement) => within(element).queryAllByRole('button').map((button) => button.textContent);

  async function withAdvisories(overrides: Parameters<typeof stubApi>[0] = {}, title = 'Patch the VPN gateway now') {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), getMyAdvisories: vi.fn(async () => ok({ items: ADVISORIES })), ...overrides });
    render(<OptionsApp makeApi={() => api} />);
    await screen.findByRole('heading', { name: title });
    return api;
  }

  it('when advisories were sent, then each shows its title, severity in words, summary, date, the organization’s answers and what is left to do', async () => {
    const api = await withAdvisories();
    expect(api.getMyAdvisories).toHaveBeenCalledExactlyOnceWith('tok-1');
    const section = sectionOf();
    expect(within(section).getByText('Advisories sent to Client Co in the last 90 days. Your answer counts for your whole organization: your colleagues see it too.')).toBeTruthy();
    expect(within(section).getAllByRole('listitem')).toHaveLength(2);

    const waiting = itemOf('Patch the VPN gateway now');
    expect(within(waiting).getByRole('heading', { level: 3 }).getAttribute('lang')).toBeNull();
    expect(waiting.querySelector('.severity')!.textContent).toBe('Severity: Critical');
    expect(within(waiting).getByText('Published on November 30, 2026')).toBeTruthy();
    expect(within(waiting).getByText('A flaw in the gateway lets anyone in without a password.')).toBeTruthy();
    expect(waiting.querySelectorAll('.acknowledged')).toHaveLength(0);
    expect(buttonsIn(waiting)).toEqual(['I have read this', 'We have applied the fix']);
    const read = within(waiting).getByRole('button', { name: 'I have read this' });
    expect(read.getAttribute('aria-describedby')).toBe(within(waiting).getByRole('heading').id);

    const answered = itemOf('Mettez à jour le micrologiciel des imprimantes');
    // Written in French only: marked so a screen reader reads it in French on an English page.
    expect(within(answered).getByRole('heading').getAttribute('lang')).toBe('fr');
    expect(within(answered).getByText('Une faille permet d’imprimer à distance.').getAttribute('lang')).toBe('fr');
    expect(answered.querySelector('.severity')!.textContent).toBe('Severity: High');
    expect([...answered.querySelectorAll('.acknowledged')].map((line) => line.textContent)).toEqual([
      'Read by Marie Tremblay on December 1, 2026',
      'Fix applied by you on December 2, 2026',
    ]);
    expect(buttonsIn(answered)).toEqual([]);
  });

  it('when a colleague without a name answered, or a low advisory asks for no fix, then it says "a colleague" and offers no fix button', async () => {
    await withAdvisories(
      {
        getMyAdvisories: vi.fn(async () =>
          ok({ items: [sampleAdvisory({ severity: 'low', asksApplied: false, read: { at: '2026-12-01T15:00:00.000Z', by: null, byMe: false } })] }),
        ),
      },
    );
    const item = itemOf('Patch the VPN gateway now');
    expect(item.querySelector('.severity')!.textContent).toBe('Severity: Low');
    expect(item.querySelector('.acknowledged')!.textContent).toBe('Read by a colleague on December 1, 2026');
    expect(buttonsIn(item)).toEqual([]);
  });

  it('when "I have read this" is pressed, then it POSTs read for that advisory, shows the answer in place and moves focus to it', async () => {
    const answer = deferred<ApiResult<MyAdvisory>>();
    const api = await withAdvisories({ acknowledgeAdvisory: vi.fn(() => answer.promise) });
    const item = itemOf('Patch the VPN gateway now');
    const read = within(item).getByRole('button', { name: 'I have read this' });

    fireEvent.click(read);
    fireEvent.click(read);
    await waitFor(() => expect(within(item).getByRole('status').textContent).toBe('Saving…'));
    expect(read.getAttribute('aria-disabled')).toBe('true');
    expect(api.acknowledgeAdvisory).toHaveBeenCalledExactlyOnceWith('tok-1', 'ADV-2026-014', 'read');

    answer.resolve(ok(sampleAdvisory({ read: { at: '2026-11-30T15:00:00.000Z', by: 'Alex Martin', byMe: true } })));
    const line = await within(item).findByText('Read by you on November 30, 2026');
    await waitFor(() => expect(document.activeElement).toBe(line));
    expect(buttonsIn(item)).toEqual(['We have applied the fix']);
    expect(within(item).getByRole('status').textContent).toBe('');
    // The list keeps its order: the answer shows where the advisory was.
    expect(within(sectionOf()).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'Patch the VPN gateway now',
      'Mettez à jour le micrologiciel des imprimantes',
    ]);
  });

  it('when a colleague applied the fix first, then the answer shows their name and the fix button goes', async () => {
    const api = await withAdvisories({
      acknowledgeAdvisory: vi.fn(async () => ok(sampleAdvisory({ read: READ_BY_MARIE, applied: READ_BY_MARIE }))),
    });
    const item = itemOf('Patch the VPN gateway now');

    fireEvent.click(within(item).getByRole('button', { name: 'We have applied the fix' }));
    const line = await within(item).findByText('Fix applied by Marie Tremblay on December 1, 2026');
    expect(api.acknowledgeAdvisory).toHaveBeenCalledExactlyOnceWith('tok-1', 'ADV-2026-014', 'applied');
    expect([...item.querySelectorAll('.acknowledged')].map((l) => l.textContent)).toEqual([
      'Read by Marie Tremblay on December 1, 2026',
      'Fix applied by Marie Tremblay on December 1, 2026',
    ]);
    expect(buttonsIn(item)).toEqual([]);
    await waitFor(() => expect(document.activeElement).toBe(line));
  });

  it('when the answer cannot be recorded, then it says why and Retry sends it again', async () => {
    const acknowledgeAdvisory = vi.fn<ApiClient['acknowledgeAdvisory']>(async () => fail({ kind: 'unreachable', problem: null }));
    await withAdvisories({ acknowledgeAdvisory });
    const item = itemOf('Patch the VPN gateway now');
    const read = within(item).getByRole('button', { name: 'I have read this' });

    fireEvent.click(read);
    await waitFor(() =>
      expect(within(item).getByRole('status').textContent).toBe("Your answer wasn't recorded. The server isn't answering right now. Try again in a moment."),
    );
    expect(item.querySelectorAll('.acknowledged')).toHaveLength(0);
    expect(buttonsIn(item)).toEqual(['I have read this', 'We have applied the fix', 'Retry']);

    acknowledgeAdvisory.mockImplementation(async () => ok(sampleAdvisory({ read: { at: '2026-11-30T15:00:00.000Z', by: null, byMe: true } })));
    fireEvent.click(within(item).getByRole('button', { name: 'Retry' }));
    const line = await within(item).findByText('Read by you on November 30, 2026');
    expect(acknowledgeAdvisory).toHaveBeenCalledTimes(2);
    expect(acknowledgeAdvisory).toHaveBeenLastCalledWith('tok-1', 'ADV-2026-014', 'read');
    expect(buttonsIn(item)).toEqual(['We have applied the fix']);
    await waitFor(() => expect(document.activeElement).toBe(line));
  });

  it('when the session ended meanwhile (401), then the page signs out', async () => {
    await withAdvisories({ acknowledgeAdvisory: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })) });
    fireEvent.click(within(itemOf('Patch the VPN gateway now')).getByRole('button', { name: 'I have read this' }));
    expect(await screen.findByText('Sign in with the toolbar button to edit your account.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Security advisories' })).toBeNull();
  });

  it('when none was sent in 90 days, then one sentence says so', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    expect(await screen.findByText('No advisories for your organization in the last 90 days.')).toBeTruthy();
    expect(within(sectionOf()).queryByRole('list')).toBeNull();
    expect(within(sectionOf()).queryByRole('button')).toBeNull();
  });

  it('when the list cannot be loaded, then it says so and Retry loads it', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const getMyAdvisories = vi.fn<ApiClient['getMyAdvisories']>(async () => fail({ kind: 'offline' }));
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())), getMyAdvisories })} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("Couldn't load your organization's advisories. Check your internet connection, then try again.");
    getMyAdvisories.mockImplementation(async () => ok({ items: ADVISORIES }));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Patch the VPN gateway now' })).toBeTruthy();
    expect(getMyAdvisories).toHaveBeenCalledTimes(2);
  });

  it('when the browser is in French, then the section, severities, dates and answers are in Quebec French, and English text is marked so', async () => {
    fake.reset('fr-CA');
    const api = await withAdvisories(
      { acknowledgeAdvisory: vi.fn(async () => fail({ kind: 'rate-limited', problem: problem(429), retryAfterSeconds: 60 })) },
      'Patch the VPN gateway now',
    );
    const section = sectionOf('Avis de sécurité');
    expect(section.querySelector('p.muted')!.textContent).toBe(
      'Avis envoyés à Client Co au cours des 90 derniers jours. Votre réponse vaut pour toute votre organisation\u00a0: vos collègues la voient aussi.',
    );
    const waiting = itemOf('Patch the VPN gateway now');
    expect(within(waiting).getByRole('heading').getAttribute('lang')).toBe('en');
    expect(waiting.querySelector('.severity')!.textContent).toBe('Gravité\u00a0: Critique');
    expect(within(waiting).getByText('Publié le 30 novembre 2026')).toBeTruthy();
    expect(buttonsIn(waiting)).toEqual(['J’ai lu cet avis', 'Nous avons appliqué le correctif']);
    const answered = itemOf('Mettez à jour le micrologiciel des imprimantes');
    expect(within(answered).getByRole('heading').getAttribute('lang')).toBeNull();
    expect(answered.querySelector('.severity')!.textContent).toBe('Gravité\u00a0: Élevée');
    expect([...answered.querySelectorAll('.acknowledged')].map((line) => line.textContent)).toEqual([
      'Lu par Marie Tremblay le 1 décembre 2026',
      'Correctif appliqué par vous le 2 décembre 2026',
    ]);

    fireEvent.click(within(waiting).getByRole('button', { name: 'Nous avons appliqué le correctif' }));
    await waitFor(() =>
      expect(within(waiting).getByRole('status').textContent).toBe(
        'Votre réponse n’a pas été enregistrée. Trop de demandes. Patientez une minute, puis réessayez.',
      ),
    );
    expect(api.acknowledgeAdvisory).toHaveBeenCalledExactlyOnceWith('tok-1', 'ADV-2026-014', 'applied');
    expect(within(waiting).getByRole('button', { name: /^Réessayer/ })).toBeTruthy();
  });

  it('when a colleague without a name answered in French, then it says « une personne de votre organisation »', async () => {
    fake.reset('fr-CA');
    const someone = { at: '2026-12-01T15:00:00.000Z', by: null, byMe: false };
    await withAdvisories({ getMyAdvisories: vi.fn(async () => ok({ items: [sampleAdvisory({ language: 'fr', read: someone, applied: someone })] })) });
    expect([...itemOf('Patch the VPN gateway now').querySelectorAll('.acknowledged')].map((line) => line.textContent)).toEqual([
      'Lu par une personne de votre organisation le 1 décembre 2026',
      'Correctif appliqué par une personne de votre organisation le 1 décembre 2026',
    ]);
  });

  it('when the popup asked for the advisories, then their heading takes focus and the request is forgotten', async () => {
    fake.storage.set('optionsSection', 'advisories');
    await withAdvisories();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Security advisories' })));
    expect(fake.storage.get('optionsSection')).toBeNull();
  });

  it('when the page is opened otherwise, then focus stays where the browser put it', async () => {
    await withAdvisories();
    expect(document.activeElement).not.toBe(screen.getByRole('heading', { name: 'Security advisories' }));
  });
});

describe('options page: server unreachable', () => {
  it('when the server cannot be reached, then Sign out still ends the session here', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    const api = stubApi({ getMe: vi.fn(async () => fail({ kind: 'unreachable', problem: null })) });
    render(<OptionsApp makeApi={() => api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await screen.findByText('Sign in with the toolbar button to edit your account.');
    expect(api.signOut).toHaveBeenCalledWith('tok-1');
    expect(fake.storage.get('sessionToken')).toBeNull();
  });
});

describe('options page: why did I get these emails', () => {
  it('when the popup asked for the recent emails, then that section takes focus, lists them, and the request is forgotten', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    fake.storage.set('optionsSection', 'recent');
    const recentMessages = vi.fn(async () =>
      ok({
        items: [
          { id: 'm1', category: 'newsletter', template: 'announcement', subject: 'Our spring offers', status: 'sent' as const, queuedAt: '2026-11-30T14:00:00Z', sentAt: '2026-11-30T14:00:05Z', suppressedReason: null },
        ],
      }),
    );
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())), recentMessages })} />);
    await screen.findByText('Our spring offers');
    await waitFor(() => expect(document.activeElement?.id).toBe('recent'));
    expect(recentMessages).toHaveBeenCalledWith('tok-1');
    expect(fake.storage.get('optionsSection')).toBeNull();
  });
});

describe('options page: opened again from the popup', () => {
  it('when the page was already open and the popup asks for the advisories, then their heading takes focus as the page comes back', async () => {
    fake.storage.set('sessionToken', 'tok-1');
    render(<OptionsApp makeApi={() => stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    const heading = await screen.findByRole('heading', { name: 'Security advisories' });
    expect(document.activeElement).not.toBe(heading);

    fake.storage.set('optionsSection', 'advisories');
    window.dispatchEvent(new Event('focus'));
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(fake.storage.get('optionsSection')).toBeNull();
  });
});
