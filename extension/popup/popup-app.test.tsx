// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../contract/index.js';
import { fake } from '../../test/extension/fake-browser.js';
import { deferred, fail, ok, problem, sampleAdvisory, sampleMe, sampleMeWithAdvisories, sampleMeWithTicketUpdates, stubApi } from '../../test/extension/fixtures.js';
import type { ApiResult } from '../shared/api-client.js';
import { PopupApp } from './popup-app.js';

vi.mock('../shared/browser.js', () => import('../../test/extension/fake-browser.js'));

const signedIn = () => fake.storage.set('sessionToken', 'tok-1');
const descriptionOf = (element: HTMLElement) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');

beforeEach(() => fake.reset('en'));
afterEach(cleanup);

describe('signed out', () => {
  it('when nothing is stored, then it asks for the email with a labelled field', async () => {
    render(<PopupApp api={stubApi()} />);
    const email = await screen.findByRole('textbox', { name: 'Work email' });
    expect(email.getAttribute('type')).toBe('email');
    expect(screen.getByRole('button', { name: 'Send code' })).toBeTruthy();
  });

  it('when the email is not an address, then it says so without calling the server', async () => {
    const api = stubApi();
    render(<PopupApp api={api} />);
    fireEvent.input(await screen.findByRole('textbox', { name: 'Work email' }), { target: { value: 'alex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a valid email address.');
    expect(api.requestCode).not.toHaveBeenCalled();
  });
});

describe('an email hint set by the client\'s IT', () => {
  it('when the policy sets a whole address, then the field starts with it', async () => {
    fake.managed.set('signInEmailHint', 'alex@client.example');
    render(<PopupApp api={stubApi()} />);
    const email = (await screen.findByRole('textbox', { name: 'Work email' })) as HTMLInputElement;
    expect(email.value).toBe('alex@client.example');
  });

  it('when the policy sets "@client.example", then the field shows it as the placeholder and completes a name typed alone', async () => {
    fake.managed.set('signInEmailHint', '@client.example');
    const api = stubApi({ requestCode: vi.fn(async () => ok({ status: 'sent' as const })) });
    render(<PopupApp api={api} />);
    const email = (await screen.findByRole('textbox', { name: 'Work email' })) as HTMLInputElement;
    expect(email.value).toBe('');
    expect(email.placeholder).toBe('name@client.example');
    fireEvent.input(email, { target: { value: 'alex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    await screen.findByRole('textbox', { name: 'Six-digit code' });
    expect(api.requestCode).toHaveBeenCalledWith({ email: 'alex@client.example', locale: 'en' });
  });

  it('when Firefox has no policy (the managed area rejects), then the field starts empty', async () => {
    fake.managedArea = 'rejects';
    render(<PopupApp api={stubApi()} />);
    expect(((await screen.findByRole('textbox', { name: 'Work email' })) as HTMLInputElement).value).toBe('');
  });
});

describe('code sent', () => {
  it('when a code is sent, then it asks for a six-digit one-time code and remembers the address', async () => {
    const api = stubApi({ requestCode: vi.fn(async () => ok({ status: 'sent' as const })) });
    render(<PopupApp api={api} />);
    fireEvent.input(await screen.findByRole('textbox', { name: 'Work email' }), {
      target: { value: ' alex@client.example ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));

    const code = await screen.findByRole('textbox', { name: 'Six-digit code' });
    expect(api.requestCode).toHaveBeenCalledWith({ email: 'alex@client.example', locale: 'en' });
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(code.getAttribute('inputmode')).toBe('numeric');
    // A length limit would cut a paste such as " 123 456" to "12345" before the digits are picked.
    expect(code.getAttribute('maxlength')).toBeNull();
    expect(screen.getByText(/We sent a code to alex@client\.example/)).toBeTruthy();
    for (const name of ['Sign in', 'Use another email', 'Resend code']) expect(screen.getByRole('button', { name })).toBeTruthy();
    expect(fake.storage.get('pendingEmail')).toBe('alex@client.example');
  });

  it.each([
    ['123 456', '123456'],
    [' 123456', '123456'],
    ['123-456', '123456'],
    ['123\u00a0456\n', '123456'],
    ['Your code: 123 456. It expires in 10 minutes.', '123456'],
    ['Votre code : 654321 (valide 10 minutes)', '654321'],
    ['12', '12'],
    ['1234567', '123456'],
  ])('when %j is pasted in the code field, then the field holds %j and that is what is sent', async (pasted, kept) => {
    fake.storage.set('pendingEmail', 'alex@client.example');
    const api = stubApi({ signIn: vi.fn(async () => fail({ kind: 'problem', problem: problem(401) })) });
    render(<PopupApp api={api} />);
    const code = (await screen.findByRole('textbox', { name: 'Six-digit code' })) as HTMLInputElement;
    fireEvent.input(code, { target: { value: pasted } });
    expect(code.value).toBe(kept);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    if (kept.length === 6) await waitFor(() => expect(api.signIn).toHaveBeenCalledWith({ email: 'alex@client.example', code: kept }));
    else expect((await screen.findByRole('alert')).textContent).toBe('Enter the six digits from the email.');
  });

  it('when the popup reopens after a code was sent, then it goes straight to the code', async () => {
    fake.storage.set('pendingEmail', 'alex@client.example');
    render(<PopupApp api={stubApi()} />);
    expect(await screen.findByRole('textbox', { name: 'Six-digit code' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Use another email' }));
    expect(((await screen.findByRole('textbox', { name: 'Work email' })) as HTMLInputElement).value).toBe(
      'alex@client.example',
    );
    expect(fake.storage.get('pendingEmail')).toBeNull();
  });

  it('when the right code is entered, then it stores the session and shows the preferences', async () => {
    fake.storage.set('pendingEmail', 'alex@client.example');
    const api = stubApi({
      signIn: vi.fn(async () => ok({ token: 'tok-9', expiresAt: '2999-01-01T00:00:00Z' })),
      getMe: vi.fn(async () => ok(sampleMe())),
    });
    render(<PopupApp api={api} />);
    fireEvent.input(await screen.findByRole('textbox', { name: 'Six-digit code' }), { target: { value: '123 456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('switch', { name: 'Monthly newsletter' });
    expect(api.signIn).toHaveBeenCalledWith({ email: 'alex@client.example', code: '123456' });
    expect(api.getMe).toHaveBeenCalledWith('tok-9');
    expect(fake.storage.get('sessionToken')).toBe('tok-9');
  });
});

describe('wrong code', () => {
  async function enterCode(result: ApiResult<never>) {
    fake.storage.set('pendingEmail', 'alex@client.example');
    render(<PopupApp api={stubApi({ signIn: vi.fn(async () => result) })} />);
    const code = await screen.findByRole('textbox', { name: 'Six-digit code' });
    fireEvent.input(code, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    return { code, alert: await screen.findByRole('alert') };
  }

  it('when the server refuses the code, then it says the code is wrong and clears the field', async () => {
    const { code, alert } = await enterCode(fail({ kind: 'problem', problem: problem(401) }));
    expect(alert.textContent).toMatch(/That code is wrong or has expired/);
    expect((code as HTMLInputElement).value).toBe('');
    expect(code.getAttribute('aria-invalid')).toBe('true');
  });

  it('when the second wrong code leaves three tries, then it says so; at the last try it warns that sign-in will pause', async () => {
    const wrong = (triesLeft: number) => fail({ kind: 'problem', problem: { ...problem(401, '/problems/wrong-code'), triesLeft } });
    fake.storage.set('pendingEmail', 'alex@client.example');
    const signIn = vi.fn().mockResolvedValueOnce(wrong(4)).mockResolvedValueOnce(wrong(3)).mockResolvedValueOnce(wrong(1));
    render(<PopupApp api={stubApi({ signIn })} />);
    const code = await screen.findByRole('textbox', { name: 'Six-digit code' });
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      fireEvent.input(code, { target: { value: '000000' } });
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      await waitFor(() => expect(signIn).toHaveBeenCalledTimes(i + 1));
      texts.push((await screen.findByRole('alert')).textContent!);
    }
    expect(texts).toEqual([
      'That code is wrong or has expired. Check the latest email and try again.',
      'That code is wrong or has expired. Check the latest email: 3 tries left before sign-in pauses.',
      'That code is wrong or has expired. Check the latest email: one try left before sign-in pauses.',
    ]);
  });

  it('when sign-in is paused (429), then it says until when, Sign in is disabled, a new code does not pretend to help, and Sign in comes back when the time is up', async () => {
    const now = new Date(2026, 11, 1, 10, 33).getTime();
    const clock = { at: now };
    fake.storage.set('pendingEmail', 'alex@client.example');
    const api = stubApi({
      signIn: vi.fn(async () => fail({ kind: 'rate-limited', problem: problem(429, '/problems/too-many-attempts'), retryAfterSeconds: 1 })),
      requestCode: vi.fn(async () => ok({ status: 'sent' as const })),
    });
    render(<PopupApp api={api} now={() => clock.at} />);
    const code = await screen.findByRole('textbox', { name: 'Six-digit code' });
    fireEvent.input(code, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("Too many wrong codes for this address. Sign-in is paused until 10:33 AM. A new code won't end the pause.");
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Resend code' }));
    await waitFor(() => expect(api.requestCode).toHaveBeenCalledOnce());
    expect(screen.getByRole('alert').textContent).toContain('Sign-in is paused until');

    await waitFor(() => expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false), { timeout: 2500 });
    expect(screen.getByRole('status').textContent).toBe('You can sign in again.');
  });

  it('when the browser is in French, then the pause is told in French with a Quebec time', async () => {
    fake.reset('fr');
    fake.storage.set('pendingEmail', 'alex@client.example');
    const at = new Date(2026, 11, 1, 10, 4).getTime();
    render(<PopupApp api={stubApi({ signIn: vi.fn(async () => fail({ kind: 'rate-limited', problem: problem(429), retryAfterSeconds: 1800 })) })} now={() => at} />);
    const code = await screen.findByRole('textbox', { name: 'Code à six chiffres' });
    fireEvent.input(code, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Trop de codes erronés pour cette adresse. La connexion est suspendue jusqu’à 10 h 34. Un nouveau code ne lève pas la suspension.',
    );
  });

  it('when the problem type names too many attempts, then it says sign-in is paused too', async () => {
    const type = 'https://serveitpro.example/problems/too-many-attempts';
    const { alert } = await enterCode(fail({ kind: 'problem', problem: problem(401, type) }));
    expect(alert.textContent).toMatch(/^Too many wrong codes for this address\. Sign-in is paused for a while\./);
  });

  it('when the code is not six digits, then it asks for six digits without calling the server', async () => {
    fake.storage.set('pendingEmail', 'alex@client.example');
    const api = stubApi();
    render(<PopupApp api={api} />);
    fireEvent.input(await screen.findByRole('textbox', { name: 'Six-digit code' }), { target: { value: '12a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter the six digits from the email.');
    expect(api.signIn).not.toHaveBeenCalled();
  });
});

describe('loading', () => {
  it('when the preferences are on their way, then a fixed-size skeleton is announced as loading', async () => {
    signedIn();
    const pending = deferred<ApiResult<Me>>();
    const { container } = render(<PopupApp api={stubApi({ getMe: vi.fn(() => pending.promise) })} />);
    const status = await screen.findByRole('status');
    expect(status.textContent).toBe('Loading…');
    expect(status.getAttribute('aria-busy')).toBe('true');
    // The five default categories' rows, not three: the popup does not jump when they arrive.
    expect(container.querySelectorAll('.skeleton-row')).toHaveLength(5);
    expect(container.querySelector('.skeleton')).toBeTruthy();
    expect(screen.queryByRole('switch')).toBeNull();

    pending.resolve(ok(sampleMe()));
    expect(await screen.findAllByRole('switch')).toHaveLength(3);
  });
});

describe('preferences', () => {
  it('when the browser is in English, then each switch is named and described in English', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);

    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect(descriptionOf(newsletter)).toBe('Tips and news, once a month.');
    expect(screen.getByRole('switch', { name: 'Events and webinars' }).getAttribute('aria-checked')).toBe('false');

    const security = screen.getByRole('switch', { name: 'Security alerts' });
    expect((security as HTMLButtonElement).disabled).toBe(true);
    expect(security.getAttribute('aria-checked')).toBe('true');
    expect(descriptionOf(security)).toMatch(/Always sent/);
    expect(screen.getByText('Signed in as alex@client.example')).toBeTruthy();
  });

  it('when the browser is in French, then each switch is named and described in French', async () => {
    fake.reset('fr-CA');
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);

    const newsletter = await screen.findByRole('switch', { name: 'Lettre mensuelle' });
    expect(descriptionOf(newsletter)).toBe('Conseils et nouvelles, une fois par mois.');
    expect(screen.getByRole('switch', { name: 'Alertes de sécurité' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Se déconnecter' })).toBeTruthy();
  });

  it('when a switch is flipped, then it shows saving, sends only that key with the wording shown, then shows saved', async () => {
    signedIn();
    const saving = deferred<ApiResult<Me>>();
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), updatePreferences: vi.fn(() => saving.promise) });
    render(<PopupApp api={api} />);
    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });

    fireEvent.click(newsletter);
    expect(newsletter.getAttribute('aria-checked')).toBe('false');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saving…'));
    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { newsletter: false }, { wording: 'extension@1', locale: 'en' });

    saving.resolve(ok(sampleMe({ security: true, newsletter: false, events: false })));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(newsletter.getAttribute('aria-checked')).toBe('false');
  });

  it('when a category that needs no confirmation is switched on, then it is on at once and stays on once saved', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe({ security: true, newsletter: false, events: false }))),
      updatePreferences: vi.fn(async () => ok(sampleMe({ security: true, newsletter: true, events: false }))),
    });
    render(<PopupApp api={api} />);
    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });

    fireEvent.click(newsletter);
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { newsletter: true }, { wording: 'extension@1', locale: 'en' });
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect(descriptionOf(newsletter)).toBe('Tips and news, once a month.');
  });

  it('when the server refuses a change, then the switch goes back and the failure is announced', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe())),
      updatePreferences: vi.fn(async () => fail({ kind: 'problem', problem: problem(422) })),
    });
    render(<PopupApp api={api} />);
    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });

    fireEvent.click(newsletter);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('The server refused the change: it was undone.'));
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
  });

  it('when a change cannot reach the server, then it says so, and Retry sends the same change again', async () => {
    signedIn();
    const updatePreferences = vi
      .fn()
      .mockResolvedValueOnce(fail({ kind: 'unreachable', problem: null }))
      .mockResolvedValueOnce(ok({ ...sampleMe(), preferences: { security: true, newsletter: false, events: false } }));
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())), updatePreferences })} />);
    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });

    fireEvent.click(newsletter);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe("SERVEITPRO didn't answer: your change was undone."));
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(updatePreferences).toHaveBeenCalledTimes(2);
    expect(updatePreferences.mock.calls[1]).toEqual(updatePreferences.mock.calls[0]);
    expect(newsletter.getAttribute('aria-checked')).toBe('false');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('when the preferences arrive after sign-in, then focus is on their heading, not lost on the page', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    const heading = await screen.findByRole('heading', { name: 'Emails you get' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
  });

  it('when the server cannot be reached, then Sign out still ends the session here', async () => {
    signedIn();
    const api = stubApi({ getMe: vi.fn(async () => fail({ kind: 'unreachable', problem: null })) });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await screen.findByRole('textbox', { name: 'Work email' });
    expect(api.signOut).toHaveBeenCalledWith('tok-1');
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when "unsubscribe from all optional" is pressed, then every optional category that is on is switched off', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe())),
      updatePreferences: vi.fn(async () => ok(sampleMe({ security: true, newsletter: false, events: false }))),
    });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Unsubscribe from all optional emails' }));

    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { newsletter: false }, { wording: 'extension@1', locale: 'en' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(screen.getByRole('switch', { name: 'Monthly newsletter' }).getAttribute('aria-checked')).toBe('false');
    expect((screen.getByRole('button', { name: 'Unsubscribe from all optional emails' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('when a save answers 401, then the popup returns to sign-in and forgets the session', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe())),
      updatePreferences: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })),
    });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('switch', { name: 'Monthly newsletter' }));

    expect(await screen.findByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Work email' })).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when signing out, then the server is told and the stored session is cleared', async () => {
    signedIn();
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())) });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await screen.findByRole('textbox', { name: 'Work email' });
    expect(api.signOut).toHaveBeenCalledWith('tok-1');
    expect(fake.storage.get('sessionToken')).toBeNull();
  });
});

describe('consent wording', () => {
  const wordingOf = (container: Element) => container.querySelector('.consent-wording');

  it('when the browser is in English, then the consent statement is shown in English, below the list of switches', async () => {
    signedIn();
    const { container } = render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    const list = (await screen.findByRole('switch', { name: 'Monthly newsletter' })).closest('ul')!;

    const wording = screen.getByText('Switching a category on is your express consent.');
    expect(wording).toBe(wordingOf(container));
    expect(wording.tagName).toBe('P');
    expect(list.compareDocumentPosition(wording) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(list.contains(wording)).toBe(false);
  });

  it('when the browser is in French, then the consent statement is shown in French', async () => {
    fake.reset('fr-CA');
    signedIn();
    const { container } = render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    await screen.findByRole('switch', { name: 'Lettre mensuelle' });
    expect(wordingOf(container)!.textContent).toBe('Activer une catégorie constitue votre consentement exprès.');
  });

  it('when a change is saved in French, then it sends the version of the wording shown and the locale fr', async () => {
    fake.reset('fr-CA');
    signedIn();
    const me: Me = { ...sampleMe(), consentWording: { ...sampleMe().consentWording, version: 'extension@7' } };
    const api = stubApi({
      getMe: vi.fn(async () => ok(me)),
      updatePreferences: vi.fn(async () => ok({ ...me, preferences: { security: true, newsletter: false, events: false } })),
    });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('switch', { name: 'Lettre mensuelle' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Enregistré'));
    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { newsletter: false }, { wording: 'extension@7', locale: 'fr' });
  });
});

describe('confirmation by email (an express-only category)', () => {
  const PENDING_EN = 'Check your inbox: we sent a link to confirm.';
  const PENDING_FR = 'Vérifiez votre boîte de réception\u00a0: nous vous avons envoyé un lien de confirmation.';
  const rowOf = (element: HTMLElement) => element.closest('li')!;

  it('when an express-only category is switched on, then its switch stays off and its row says to check the inbox', async () => {
    signedIn();
    const saving = deferred<ApiResult<Me>>();
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), updatePreferences: vi.fn(() => saving.promise) });
    render(<PopupApp api={api} />);
    const events = await screen.findByRole('switch', { name: 'Events and webinars' });
    expect(screen.queryByText(PENDING_EN)).toBeNull();

    fireEvent.click(events);
    expect(events.getAttribute('aria-checked')).toBe('false');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saving…'));
    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { events: true }, { wording: 'extension@1', locale: 'en' });

    saving.resolve(ok({ ...sampleMe(), pending: ['events'] }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Confirmation email sent.'));
    expect(events.getAttribute('aria-checked')).toBe('false');
    expect(rowOf(events).querySelector('.preference-pending')!.textContent).toBe(PENDING_EN);
    expect(descriptionOf(events)).toBe(`Invitations to our sessions. ${PENDING_EN}`);
    expect(document.querySelectorAll('.preference-pending')).toHaveLength(1);
    const newsletter = screen.getByRole('switch', { name: 'Monthly newsletter' });
    expect(descriptionOf(newsletter)).toBe('Tips and news, once a month.');
  });

  it('when the server refuses the request, then the switch stays off, no line appears and the failure is announced', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe())),
      updatePreferences: vi.fn(async () => fail({ kind: 'problem', problem: problem(400) })),
    });
    render(<PopupApp api={api} />);
    const events = await screen.findByRole('switch', { name: 'Events and webinars' });
    fireEvent.click(events);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('The server refused the change: it was undone.'));
    expect(events.getAttribute('aria-checked')).toBe('false');
    expect(screen.queryByText(PENDING_EN)).toBeNull();
  });

  it('when a category is pending on load, then its row says to check the inbox, in French with the French spacing', async () => {
    fake.reset('fr-CA');
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok({ ...sampleMe(), pending: ['events'] })) })} />);

    const events = await screen.findByRole('switch', { name: 'Événements et webinaires' });
    expect(events.getAttribute('aria-checked')).toBe('false');
    expect(rowOf(events).querySelector('.preference-pending')!.textContent).toBe(PENDING_FR);
    expect(descriptionOf(events)).toBe(`Invitations à nos sessions. ${PENDING_FR}`);
    expect(document.querySelectorAll('.preference-pending')).toHaveLength(1);
    expect(descriptionOf(screen.getByRole('switch', { name: 'Lettre mensuelle' }))).toBe('Conseils et nouvelles, une fois par mois.');
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('when a category is pending on load in English, then the line is in English and goes once the server says it is on', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok({ ...sampleMe(), pending: ['events'] })),
      updatePreferences: vi.fn(async () => ok(sampleMe({ security: true, newsletter: false, events: true }))),
    });
    render(<PopupApp api={api} />);
    const events = await screen.findByRole('switch', { name: 'Events and webinars' });
    expect(rowOf(events).querySelector('.preference-pending')!.textContent).toBe(PENDING_EN);

    // Confirmed in another tab meanwhile: the next answer has it on and no longer pending.
    fireEvent.click(screen.getByRole('switch', { name: 'Monthly newsletter' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(events.getAttribute('aria-checked')).toBe('true');
    expect(screen.queryByText(PENDING_EN)).toBeNull();
  });
});

describe('locked by the organization', () => {
  const lockedNewsletter = (preferences: Me['preferences'] = { security: true, newsletter: true, events: true }): Me => ({
    ...sampleMe(preferences),
    locked: ['newsletter'],
  });

  it('when the organization locked a category, then its switch is on, disabled, and says the organization requires it', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(lockedNewsletter())) })} />);

    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect((newsletter as HTMLButtonElement).disabled).toBe(true);
    expect(descriptionOf(newsletter)).toBe('Tips and news, once a month. Required by Client Co');
    expect(newsletter.closest('li')!.querySelector('.preference-required')!.textContent).toBe('Required by Client Co');
    const events = screen.getByRole('switch', { name: 'Events and webinars' });
    expect((events as HTMLButtonElement).disabled).toBe(false);
    expect(descriptionOf(events)).toBe('Invitations to our sessions.');
  });

  it('when the browser is in French, then the locked switch says « Exigé par » the organization', async () => {
    fake.reset('fr-CA');
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(lockedNewsletter())) })} />);

    const newsletter = await screen.findByRole('switch', { name: 'Lettre mensuelle' });
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect((newsletter as HTMLButtonElement).disabled).toBe(true);
    expect(descriptionOf(newsletter)).toBe('Conseils et nouvelles, une fois par mois. Exigé par Client Co');
    expect(descriptionOf(screen.getByRole('switch', { name: 'Alertes de sécurité' }))).toBe(
      'Incidents qui touchent vos systèmes. Toujours envoyés\u00a0: ils sont nécessaires à votre service informatique.',
    );
  });

  it('when the stored preferences say off, then a locked category is still shown on', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(lockedNewsletter({ security: true, newsletter: false, events: false }))) })} />);
    expect((await screen.findByRole('switch', { name: 'Monthly newsletter' })).getAttribute('aria-checked')).toBe('true');
  });

  it('when "unsubscribe from all optional" is pressed, then locked categories are left out of the change and stay on', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(lockedNewsletter())),
      updatePreferences: vi.fn(async () => ok(lockedNewsletter({ security: true, newsletter: true, events: false }))),
    });
    render(<PopupApp api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Unsubscribe from all optional emails' }));

    expect(api.updatePreferences).toHaveBeenCalledExactlyOnceWith('tok-1', { events: false }, { wording: 'extension@1', locale: 'en' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    const newsletter = screen.getByRole('switch', { name: 'Monthly newsletter' });
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect((newsletter as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('switch', { name: 'Events and webinars' }).getAttribute('aria-checked')).toBe('false');
    expect((screen.getByRole('button', { name: 'Unsubscribe from all optional emails' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('when only locked categories are on, then "unsubscribe from all optional" has nothing to do and is disabled', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(lockedNewsletter({ security: true, newsletter: true, events: false }))) })} />);
    const button = await screen.findByRole('button', { name: 'Unsubscribe from all optional emails' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('when a save answers that the organization locked a category meanwhile, then its switch becomes locked', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMe({ security: true, newsletter: true, events: true }))),
      updatePreferences: vi.fn(async () => ok(lockedNewsletter({ security: true, newsletter: true, events: false }))),
    });
    render(<PopupApp api={api} />);
    const newsletter = await screen.findByRole('switch', { name: 'Monthly newsletter' });
    expect((newsletter as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(screen.getByRole('switch', { name: 'Events and webinars' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(api.updatePreferences).toHaveBeenCalledExactlyOnceWith('tok-1', { events: false }, { wording: 'extension@1', locale: 'en' });
    expect((newsletter as HTMLButtonElement).disabled).toBe(true);
    expect(newsletter.getAttribute('aria-checked')).toBe('true');
    expect(descriptionOf(newsletter)).toBe('Tips and news, once a month. Required by Client Co');
  });
});

describe('session and network failures', () => {
  it('when the network is off, then it says so and Retry loads the preferences', async () => {
    signedIn();
    const getMe = vi.fn<(token: string) => Promise<ApiResult<Me>>>(async () => fail({ kind: 'offline' }));
    render(<PopupApp api={stubApi({ getMe })} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/You're offline/);
    getMe.mockImplementation(async () => ok(sampleMe()));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByRole('switch')).toHaveLength(3);
    expect(getMe).toHaveBeenCalledTimes(2);
  });

  it('when the server is down, then it says the server cannot be reached, with Retry', async () => {
    signedIn();
    render(<PopupApp api={stubApi()} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Can't reach SERVEITPRO/);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('when the stored session is revoked (401), then it goes back to sign-in with a notice', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })) })} />);
    expect(await screen.findByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });

  it('when the stored session has expired, then it does not call the server', async () => {
    signedIn();
    fake.storage.set('sessionExpiresAt', '2020-01-01T00:00:00Z');
    const api = stubApi();
    render(<PopupApp api={api} />);
    expect(await screen.findByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(api.getMe).not.toHaveBeenCalled();
  });
});

describe('which security advisories', () => {
  const thresholdSelect = (name = 'Which advisories') => screen.findByRole('combobox', { name }) as Promise<HTMLSelectElement>;
  const optionsOf = (select: HTMLSelectElement) => [...select.options].map((option) => [option.value, option.textContent]);

  it('when signed in, then the choice sits in the advisories row, shows the current value and offers three severities', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithAdvisories('high'))) })} />);

    const select = await thresholdSelect();
    expect(select.value).toBe('high');
    expect(select.disabled).toBe(false);
    expect(optionsOf(select)).toEqual([
      ['all', 'All advisories'],
      ['high', 'High and critical only'],
      ['critical', 'Critical only'],
    ]);
    const advisories = screen.getByRole('switch', { name: 'Security advisories' });
    expect(advisories.closest('li')!.contains(select)).toBe(true);
    expect(screen.getAllByRole('combobox')).toHaveLength(1);
  });

  it('when the browser is in French, then the label and choices are in French', async () => {
    fake.reset('fr-CA');
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithAdvisories('critical'))) })} />);

    const select = await thresholdSelect('Quels avis');
    expect(select.value).toBe('critical');
    expect(optionsOf(select)).toEqual([
      ['all', 'Tous les avis'],
      ['high', 'Élevés et critiques seulement'],
      ['critical', 'Critiques seulement'],
    ]);
  });

  it('when a category without advisories is shown, then there is no choice of severity', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMe())) })} />);
    await screen.findByRole('switch', { name: 'Monthly newsletter' });
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('when advisories are switched off, then the choice is kept but disabled', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithAdvisories('high', false))) })} />);
    const select = await thresholdSelect();
    expect(select.value).toBe('high');
    expect(select.disabled).toBe(true);
  });

  it('when the choice changes, then it shows saving, sends only the threshold with the wording shown, then shows saved', async () => {
    fake.reset('fr-CA');
    signedIn();
    const me: Me = { ...sampleMeWithAdvisories('all'), consentWording: { ...sampleMe().consentWording, version: 'extension@7' } };
    const saving = deferred<ApiResult<Me>>();
    const api = stubApi({ getMe: vi.fn(async () => ok(me)), updateAdvisoryThreshold: vi.fn(() => saving.promise) });
    render(<PopupApp api={api} />);
    const select = await thresholdSelect('Quels avis');

    fireEvent.change(select, { target: { value: 'critical' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Enregistrement…'));
    expect(select.value).toBe('critical');
    expect(api.updateAdvisoryThreshold).toHaveBeenCalledExactlyOnceWith('tok-1', 'critical', { wording: 'extension@7', locale: 'fr' });
    expect(api.updatePreferences).not.toHaveBeenCalled();

    saving.resolve(ok({ ...me, advisoryThreshold: 'critical' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Enregistré'));
    expect(select.value).toBe('critical');
  });

  it('when the server refuses the change, then the choice goes back and the failure is announced', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMeWithAdvisories('high'))),
      updateAdvisoryThreshold: vi.fn(async () => fail({ kind: 'problem', problem: problem(400) })),
    });
    render(<PopupApp api={api} />);
    const select = await thresholdSelect();

    fireEvent.change(select, { target: { value: 'all' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('The server refused the change: it was undone.'));
    expect(api.updateAdvisoryThreshold).toHaveBeenCalledExactlyOnceWith('tok-1', 'all', { wording: 'extension@1', locale: 'en' });
    expect(select.value).toBe('high');
  });

  it('when the change answers 401, then the popup returns to sign-in', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMeWithAdvisories())),
      updateAdvisoryThreshold: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })),
    });
    render(<PopupApp api={api} />);
    fireEvent.change(await thresholdSelect(), { target: { value: 'high' } });
    expect(await screen.findByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });
});

describe('how often ticket updates come', () => {
  const deliverySelect = (name = 'How often') => screen.findByRole('combobox', { name }) as Promise<HTMLSelectElement>;
  const optionsOf = (select: HTMLSelectElement) => [...select.options].map((option) => [option.value, option.textContent]);

  it('when signed in, then the choice sits in the ticket updates row, shows the current value and offers two rhythms', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithTicketUpdates('daily'))) })} />);

    const select = await deliverySelect();
    expect(select.value).toBe('daily');
    expect(select.disabled).toBe(false);
    expect(optionsOf(select)).toEqual([
      ['immediate', 'As they happen'],
      ['daily', 'One email a day, at 8 a.m.'],
    ]);
    const ticketUpdates = screen.getByRole('switch', { name: 'Ticket updates' });
    expect(ticketUpdates.closest('li')!.contains(select)).toBe(true);
    expect(screen.getAllByRole('combobox')).toHaveLength(1);
  });

  it('when the browser is in French, then the label and choices are in French, 8 and h kept together', async () => {
    fake.reset('fr-CA');
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithTicketUpdates('immediate'))) })} />);

    const select = await deliverySelect('À quelle fréquence');
    expect(select.value).toBe('immediate');
    expect(optionsOf(select)).toEqual([
      ['immediate', 'Au fur et à mesure'],
      ['daily', 'Un courriel par jour, à 8\u00a0h'],
    ]);
  });

  it('when ticket updates are switched off, then the choice is kept but disabled', async () => {
    signedIn();
    render(<PopupApp api={stubApi({ getMe: vi.fn(async () => ok(sampleMeWithTicketUpdates('daily', false))) })} />);
    const select = await deliverySelect();
    expect(screen.getByRole('switch', { name: 'Ticket updates' }).getAttribute('aria-checked')).toBe('false');
    expect(select.value).toBe('daily');
    expect(select.disabled).toBe(true);
  });

  it('when the choice changes, then it shows saving, sends only the delivery with the wording shown, then shows saved', async () => {
    fake.reset('fr-CA');
    signedIn();
    const me: Me = { ...sampleMeWithTicketUpdates('immediate'), consentWording: { ...sampleMe().consentWording, version: 'extension@7' } };
    const saving = deferred<ApiResult<Me>>();
    const api = stubApi({ getMe: vi.fn(async () => ok(me)), updateTicketDelivery: vi.fn(() => saving.promise) });
    render(<PopupApp api={api} />);
    const select = await deliverySelect('À quelle fréquence');

    fireEvent.change(select, { target: { value: 'daily' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Enregistrement…'));
    expect(select.value).toBe('daily');
    expect(api.updateTicketDelivery).toHaveBeenCalledExactlyOnceWith('tok-1', 'daily', { wording: 'extension@7', locale: 'fr' });
    expect(api.updatePreferences).not.toHaveBeenCalled();
    expect(api.updateAdvisoryThreshold).not.toHaveBeenCalled();

    saving.resolve(ok({ ...me, ticketDelivery: 'daily' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Enregistré'));
    expect(select.value).toBe('daily');
  });

  it('when the server refuses the change, then the choice goes back and the failure is announced', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMeWithTicketUpdates('daily'))),
      updateTicketDelivery: vi.fn(async () => fail({ kind: 'problem', problem: problem(400) })),
    });
    render(<PopupApp api={api} />);
    const select = await deliverySelect();

    fireEvent.change(select, { target: { value: 'immediate' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('The server refused the change: it was undone.'));
    expect(api.updateTicketDelivery).toHaveBeenCalledExactlyOnceWith('tok-1', 'immediate', { wording: 'extension@1', locale: 'en' });
    expect(select.value).toBe('daily');
  });

  it('when the change answers 401, then the popup returns to sign-in', async () => {
    signedIn();
    const api = stubApi({
      getMe: vi.fn(async () => ok(sampleMeWithTicketUpdates())),
      updateTicketDelivery: vi.fn(async () => fail({ kind: 'unauthorized', problem: problem(401) })),
    });
    render(<PopupApp api={api} />);
    fireEvent.change(await deliverySelect(), { target: { value: 'daily' } });
    expect(await screen.findByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(fake.storage.get('sessionToken')).toBeNull();
  });
});

describe('advisories waiting for the organization', () => {
  const done = { at: '2026-12-01T15:00:00.000Z', by: 'Marie Tremblay', byMe: false };
  const lineButton = () => screen.queryByRole('button', { name: /advisor|avis/ });

  async function withAdvisories(items: ReturnType<typeof sampleAdvisory>[] | null, newsletter = 'Monthly newsletter') {
    signedIn();
    const getMyAdvisories = vi.fn(async () => (items === null ? fail({ kind: 'unreachable', problem: null }) : ok({ items })));
    const api = stubApi({ getMe: vi.fn(async () => ok(sampleMe())), getMyAdvisories });
    render(<PopupApp api={api} />);
    await screen.findByRole('switch', { name: newsletter });
    await waitFor(() => expect(getMyAdvisories).toHaveBeenCalledExactlyOnceWith('tok-1'));
    return api;
  }

  it('when some are unread or wait for their fix, then one line counts them and opens the options page at the advisories', async () => {
    await withAdvisories([
      sampleAdvisory(),
      sampleAdvisory({ id: 'ADV-2', read: done }),
      sampleAdvisory({ id: 'ADV-3', read: done, applied: done }),
      sampleAdvisory({ id: 'ADV-4', severity: 'low', asksApplied: false, read: done }),
    ]);
    const line = await screen.findByRole('button', { name: '2 security advisories wait for your organization' });
    expect(line.closest('p')!.nextElementSibling!.tagName).toBe('FOOTER');

    fireEvent.click(line);
    await waitFor(() => expect(fake.openedOptions).toBe(1));
    expect(fake.storage.get('optionsSection')).toBe('advisories');
  });

  it('when one waits, then the line says so in the singular', async () => {
    await withAdvisories([sampleAdvisory({ read: done }), sampleAdvisory({ id: 'ADV-2', read: done, applied: done })]);
    expect(await screen.findByRole('button', { name: '1 security advisory waits for your organization' })).toBeTruthy();
  });

  it('when every advisory is answered, then there is no line at all', async () => {
    await withAdvisories([sampleAdvisory({ read: done, applied: done }), sampleAdvisory({ id: 'ADV-2', asksApplied: false, read: done })]);
    expect(lineButton()).toBeNull();
    expect(document.querySelector('.open-advisories')).toBeNull();
  });

  it('when there are none, or the list cannot be had, then there is no line and the preferences work as before', async () => {
    await withAdvisories([]);
    expect(document.querySelector('.open-advisories')).toBeNull();
    cleanup();
    await withAdvisories(null);
    expect(document.querySelector('.open-advisories')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Settings' })).toBeTruthy();
  });

  it('when "Why these emails?" is pressed, then the options page opens at the recent emails', async () => {
    await withAdvisories([]);
    fireEvent.click(screen.getByRole('button', { name: 'Why these emails?' }));
    await waitFor(() => expect(fake.openedOptions).toBe(1));
    expect(fake.storage.get('optionsSection')).toBe('recent');
  });

  it('when the browser is in French, then the line is in French', async () => {
    fake.reset('fr-CA');
    await withAdvisories([sampleAdvisory(), sampleAdvisory({ id: 'ADV-2' }), sampleAdvisory({ id: 'ADV-3' })], 'Lettre mensuelle');
    await screen.findByRole('button', { name: 'Votre organisation a 3 avis de sécurité en attente' });
  });
});
