import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../../test/extension/fake-browser.js';
import { DEFAULTS, ensureDefaults, readState, SCHEMA_VERSION } from './session-store.js';

vi.mock('./browser.js', () => import('../../test/extension/fake-browser.js'));

beforeEach(() => fake.reset());

describe('session store', () => {
  it('when storage is empty, then reading gives the defaults with the baked-in server URL', async () => {
    expect(await readState()).toEqual(DEFAULTS);
    expect(DEFAULTS.serverUrl).toBe('http://localhost:3000');
  });

  it('when defaults are ensured, then missing keys are written and existing values kept', async () => {
    fake.storage.set('serverUrl', 'https://dev.example');
    fake.storage.set('sessionToken', 'tok');
    await ensureDefaults();
    expect(Object.fromEntries(fake.storage)).toEqual({
      ...DEFAULTS,
      schemaVersion: SCHEMA_VERSION,
      serverUrl: 'https://dev.example',
      sessionToken: 'tok',
    });
  });

  it('when a stored value has the wrong type, then the default replaces it', async () => {
    fake.storage.set('serverUrl', 42);
    expect((await readState()).serverUrl).toBe(DEFAULTS.serverUrl);
  });

  it('when the popup asked for a section the options page does not know, then none is shown', async () => {
    fake.storage.set('optionsSection', 'advisories');
    expect((await readState()).optionsSection).toBe('advisories');
    fake.storage.set('optionsSection', 'elsewhere');
    expect((await readState()).optionsSection).toBeNull();
  });
});
