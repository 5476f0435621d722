// @vitest-environment happy-dom
// The options page as a client's staff see it: who is signed in and Sign out, no developer
// server-URL setting in a production build, and a server URL set by policy shown read-only.
import { h } from 'preact';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from './fake-browser.js';
import { fail, ok, sampleMe, stubApi } from './fixtures.js';
import { OptionsApp } from '../../extension/options/options-app.js';
import type { ApiClient } from '../../extension/shared/api-client.js';

/** The page as options.tsx renders it (this file is .ts: the suite's test/ glob takes no .tsx). */
const page = (props: { makeApi: (serverUrl: string) => ApiClient; developerSettings?: boolean }) => h(OptionsApp, props);

vi.mock('../../extension/shared/browser.js', () => import('./fake-browser.js'));

const SIGNED_OUT = 'Sign in with the toolbar button to edit your account.';

beforeEach(() => fake.reset('en'));
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function signedIn(overrides: Parameters<typeof stubApi>[0] = {}) {
  fake.storage.set('sessionToken', 'tok-1');
  fake.storage.set('sessionExpiresAt', '2026-12-26T00:00:00Z');
  return stubApi({ getMe: vi.fn(async () => ok(sampleMe())), ...overrides });
}

describe('options page: who is signed in', () => {
  it('when signed in, then it says who, and Sign out tells the server, ends the session here and says how to sign in again', async () => {
    const api = signedIn();
    render(page({ makeApi: () => api }));

    expect(await screen.findByText('Signed in as alex@client.example')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText(SIGNED_OUT)).toBeTruthy();
    expect(api.signOut).toHaveBeenCalledExactlyOnceWith('tok-1');
    expect(fake.storage.get('sessionToken')).toBeNull();
    expect(fake.storage.get('sessionExpiresAt')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Name' })).toBeNull();
  });

  it('when the server cannot be told, then the session still ends here', async () => {
    const api = signedIn({ signOut: vi.fn(async () => fail({ kind: 'offline' })) });
    render(page({ makeApi: () => api }));

    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText(SIGNED_OUT)).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when the browser is in French, then it reads « Session ouverte : » with a no-break space, and « Se déconnecter »', async () => {
    fake.reset('fr-CA');
    const api = signedIn();
    render(page({ makeApi: () => api }));

    // Testing Library's matcher turns the no-break space into a space: the text is read as is.
    const line = await screen.findByText(/alex@client\.example/);
    expect(line.textContent).toBe('Session ouverte\u00a0: alex@client.example');
    expect(screen.getByRole('button', { name: 'Se déconnecter' })).toBeTruthy();
  });
});

describe('options page: the server URL', () => {
  it('when built for production, then there is no server-URL setting and no developer wording', async () => {
    const api = signedIn();
    render(page({ makeApi: () => api, developerSettings: false }));

    await screen.findByText('Signed in as alex@client.example');
    expect(screen.queryByRole('textbox', { name: 'Server URL' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Developer settings' })).toBeNull();
    expect(document.body.textContent).not.toMatch(/CORS|server/i);
  });

  it('when built for development, then the setting is there', async () => {
    render(page({ makeApi: () => stubApi(), developerSettings: true }));
    expect(((await screen.findByRole('textbox', { name: 'Server URL' })) as HTMLInputElement).value).toBe('http://localhost:3000');
  });

  it('when the organization set the server by policy, then it is shown read-only, said to be theirs, and used, in any build', async () => {
    fake.managed.set('serverUrl', 'https://mail.msp.example/');
    fake.storage.set('serverUrl', 'https://mail.msp.example');
    const api = signedIn();
    const makeApi = vi.fn((_serverUrl: string) => api);
    for (const developerSettings of [false, true]) {
      const { unmount } = render(page({ makeApi, developerSettings }));

      expect(await screen.findByRole('heading', { name: 'Email preferences service' })).toBeTruthy();
      const address = screen.getByRole('textbox', { name: 'Address' }) as HTMLInputElement;
      expect(address.value).toBe('https://mail.msp.example');
      expect(address.readOnly).toBe(true);
      expect(screen.getByText('Set by your organization.')).toBeTruthy();
      expect(screen.queryByRole('textbox', { name: 'Server URL' })).toBeNull();
      expect(document.body.textContent).not.toContain('CORS');
      unmount();
    }
    expect(makeApi.mock.calls.every(([url]) => url === 'https://mail.msp.example')).toBe(true);
  });

  it('when the policy names another server than the stored one, then the page uses it, and the old session is gone', async () => {
    fake.managed.set('serverUrl', 'https://mail.msp.example');
    fake.storage.set('serverUrl', 'https://dev.example');
    const api = signedIn();
    const makeApi = vi.fn((_serverUrl: string) => api);
    render(page({ makeApi }));

    expect(await screen.findByText(SIGNED_OUT)).toBeTruthy();
    await waitFor(() => expect(makeApi).toHaveBeenLastCalledWith('https://mail.msp.example'));
    expect(makeApi).not.toHaveBeenCalledWith('https://dev.example');
    expect(api.getMe).not.toHaveBeenCalled();
    expect(fake.storage.get('serverUrl')).toBe('https://mail.msp.example');
  });

  it('when the browser is in French, then the policy\u2019s server reads « Adresse » and « Définie par votre organisation. »', async () => {
    fake.reset('fr-CA');
    fake.managed.set('serverUrl', 'https://mail.msp.example');
    render(page({ makeApi: () => stubApi() }));

    expect(await screen.findByRole('heading', { name: 'Service des préférences de courriel' })).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Adresse' }) as HTMLInputElement).readOnly).toBe(true);
    expect(screen.getByText('Définie par votre organisation.')).toBeTruthy();
  });
});
