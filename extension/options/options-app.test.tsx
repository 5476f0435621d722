// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../../test/extension/fake-browser.js';
import { deferred, fail, ok, problem, sampleMe, stubApi } from '../../test/extension/fixtures.js';
import type { ApiResult } from '../shared/api-client.js';
import type { ErasureReceipt, MyDataExport } from '../../contract/index.js';
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
  erased: ['Profile: name, email address, language', 'Email preferences'],
  kept: [
    { data: 'Consent history', why: 'Proof of consent (CASL)' },
    { data: 'Message log', why: 'Kept until the retention period ends' },
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

    expect(screen.getAllByText("You're signed out.").length).toBeGreaterThan(0);
    expect(screen.getByText('Receipt number: er-42')).toBeTruthy();
    const erased = screen.getByRole('list', { name: 'Erased' });
    expect([...erased.querySelectorAll('li')].map((li) => li.textContent)).toEqual(RECEIPT.erased);
    const kept = screen.getByRole('heading', { name: 'Kept, and why' }).parentElement!;
    expect(kept.textContent).toContain('Consent history');
    expect(kept.textContent).toContain('Proof of consent (CASL)');
    expect(kept.textContent).toContain('Message log');
    // Signed out: nothing left to edit, download or delete.
    expect(screen.queryByRole('textbox', { name: 'Name' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Download my data' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete my data' })).toBeNull();
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
