// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../../test/extension/fake-browser.js';
import { fail, ok, problem, sampleMe, stubApi } from '../../test/extension/fixtures.js';
import { OptionsApp } from './options-app.js';

vi.mock('../shared/browser.js', () => import('../../test/extension/fake-browser.js'));

beforeEach(() => fake.reset('en'));
afterEach(cleanup);

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
