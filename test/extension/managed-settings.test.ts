// What a client's IT sets by policy (storage.managed), read through the fake browser: Chromium's
// real reading of a policy file is in managed-policy.test.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from './fake-browser.js';
import { applyManagedServerUrl, readManagedSettings } from '../../extension/shared/managed-settings.js';
import { readState } from '../../extension/shared/session-store.js';

vi.mock('../../extension/shared/browser.js', () => import('./fake-browser.js'));

beforeEach(() => fake.reset('en'));

describe('managed settings', () => {
  it('when a policy sets both values, then they are read, the URL normalized and the hint trimmed', async () => {
    fake.managed.set('serverUrl', ' https://mail.msp.example/ ');
    fake.managed.set('signInEmailHint', ' alex@client.example ');
    expect(await readManagedSettings()).toEqual({ serverUrl: 'https://mail.msp.example', signInEmailHint: 'alex@client.example' });
  });

  it('when a hint is only the domain, then it is kept as written', async () => {
    fake.managed.set('signInEmailHint', '@client.example');
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: '@client.example' });
  });

  it('when no policy is set, then both are null', async () => {
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: null });
  });

  it('when the managed area rejects (Firefox without a policy) or is missing, then both are null and nothing throws', async () => {
    fake.managed.set('serverUrl', 'https://mail.msp.example');
    fake.managedArea = 'rejects';
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: null });
    fake.managedArea = 'missing';
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: null });
  });

  it('when values are unusable (not http(s), not a string, blank, with spaces), then they are ignored', async () => {
    fake.managed.set('serverUrl', 'ftp://mail.msp.example');
    fake.managed.set('signInEmailHint', 'alex @client.example');
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: null });
    fake.managed.set('serverUrl', 42);
    fake.managed.set('signInEmailHint', '   ');
    expect(await readManagedSettings()).toEqual({ serverUrl: null, signInEmailHint: null });
  });
});

describe('the managed server URL wins', () => {
  it('when a policy names another server, then it is stored and the old session is dropped', async () => {
    fake.storage.set('serverUrl', 'https://dev.example');
    fake.storage.set('sessionToken', 'tok-1');
    fake.storage.set('sessionExpiresAt', '2026-12-26T00:00:00Z');
    fake.storage.set('pendingEmail', 'alex@client.example');
    fake.managed.set('serverUrl', 'https://mail.msp.example/');

    expect(await applyManagedServerUrl()).toBe('https://mail.msp.example');
    const state = await readState();
    expect(state.serverUrl).toBe('https://mail.msp.example');
    expect(state.sessionToken).toBeNull();
    expect(state.sessionExpiresAt).toBeNull();
    expect(state.pendingEmail).toBeNull();
  });

  it('when the policy names the server already stored, then the session stays', async () => {
    fake.storage.set('serverUrl', 'https://mail.msp.example');
    fake.storage.set('sessionToken', 'tok-1');
    fake.managed.set('serverUrl', 'https://mail.msp.example');

    expect(await applyManagedServerUrl()).toBe('https://mail.msp.example');
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
  });

  it('when the policy is gone from a production build, then the built-in server is back, with a new session', async () => {
    fake.storage.set('serverUrl', 'https://mail.msp.example');
    fake.storage.set('sessionToken', 'tok-1');

    expect(await applyManagedServerUrl(undefined, false)).toBe('http://localhost:3000');
    expect(fake.storage.get('serverUrl')).toBe('http://localhost:3000');
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when a production build has no policy and its built-in server, then nothing changes', async () => {
    fake.storage.set('serverUrl', 'http://localhost:3000');
    fake.storage.set('sessionToken', 'tok-1');

    expect(await applyManagedServerUrl(undefined, false)).toBe('http://localhost:3000');
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
  });

  it('when no policy names a server in a development build, then the one a developer stored and the session stay', async () => {
    fake.storage.set('serverUrl', 'https://dev.example');
    fake.storage.set('sessionToken', 'tok-1');
    fake.managedArea = 'rejects';

    expect(await applyManagedServerUrl(undefined, true)).toBe('https://dev.example');
    expect(fake.storage.get('serverUrl')).toBe('https://dev.example');
    expect(fake.storage.get('sessionToken')).toBe('tok-1');
  });
});
