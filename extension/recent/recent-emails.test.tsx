// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me, MyRecentMessage } from '../../contract/index.js';
import { browser, fake } from '../../test/extension/fake-browser.js';
import { deferred, fail, ok, problem, sampleMe, stubApi } from '../../test/extension/fixtures.js';
import { RecentEmails } from './recent-emails.js';

vi.mock('../shared/browser.js', () => import('../../test/extension/fake-browser.js'));

beforeEach(() => fake.reset('en'));
afterEach(cleanup);

const message = (changes: Partial<MyRecentMessage>): MyRecentMessage => ({
  id: 'm1',
  category: 'newsletter',
  template: 'announcement',
  subject: null,
  status: 'sent',
  queuedAt: '2026-11-26T15:00:00.000Z',
  sentAt: '2026-11-26T15:04:00.000Z',
  suppressedReason: null,
  ...changes,
});

const SENT = message({ id: 'sent', subject: 'November news from SERVEITPRO' });
const UNSUBSCRIBED = message({ id: 'unsubscribed', category: 'events', template: 'announcement', status: 'suppressed', sentAt: null, suppressedReason: 'not-subscribed' });
const BOUNCED = message({ id: 'bounced', category: 'security', template: 'security-advisory', status: 'suppressed', sentAt: null, suppressedReason: 'suppression-list' });
const OLD = message({ id: 'old', category: 'newsletter', template: 'announcement', status: 'suppressed', sentAt: null, suppressedReason: null });
const CODE = message({ id: 'code', category: null, template: 'sign-in-code', subject: 'Your sign-in code', status: 'sent' });
const WAITING = message({ id: 'waiting', category: 'newsletter', template: 'announcement', status: 'queued', sentAt: null });

const rowOf = (text: string | RegExp) => screen.getByText(text).closest('li')!;
const mount = (answer = ok({ items: [SENT, UNSUBSCRIBED, BOUNCED, OLD, CODE, WAITING] }), me: Me = sampleMe(), overrides = {}) => {
  const api = stubApi({ recentMessages: vi.fn(async () => answer), ...overrides });
  const onUnauthorized = vi.fn();
  render(<RecentEmails api={api} token="tok-1" me={me} onUnauthorized={onUnauthorized} />);
  return { api, onUnauthorized };
};

describe('the list', () => {
  it('when the emails load, then a list named by the heading has one row per email: date in the UI language, category, subject and status in words', async () => {
    const { api } = mount();
    const list = await screen.findByRole('list', { name: 'Why did I get these emails?' });
    expect(screen.getByRole('heading', { level: 2, name: 'Why did I get these emails?' })).toBeTruthy();
    expect(api.recentMessages).toHaveBeenCalledWith('tok-1');
    expect(within(list).getAllByRole('listitem')).toHaveLength(6);

    const sent = rowOf('November news from SERVEITPRO');
    expect(sent.textContent).toContain('Monthly newsletter');
    expect(sent.textContent).toContain('Sent');
    const when = sent.querySelector('time')!;
    expect(when.getAttribute('datetime')).toBe('2026-11-26T15:04:00.000Z');
    expect(when.textContent).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-11-26T15:04:00.000Z')));
    expect(when.textContent).toMatch(/Nov 26, 2026/);
  });

  it('when an email was not sent, then its row says why in one plain sentence, and names the email by its kind since it has no subject', async () => {
    mount();
    await screen.findByRole('list');
    const unsubscribed = rowOf(/you weren't subscribed to this category/);
    expect(unsubscribed.textContent).toContain('Events and webinars');
    expect(unsubscribed.textContent).toContain('Announcement');
    expect(rowOf(/your address is blocked/).textContent).toContain('Security advisory');
    // Suppressed before reasons were kept: no reason, never a guess.
    const old = screen.getByText('Not sent.');
    expect(old.closest('li')!.textContent).toContain('Monthly newsletter');
    expect(rowOf('Waiting to be sent').textContent).toContain('Announcement');
  });

  it('when the service emailed the person itself (no category), then there is no switch and the row says it is always sent', async () => {
    mount();
    await screen.findByText('Your sign-in code');
    const code = rowOf('Your sign-in code');
    expect(within(code).queryByRole('switch')).toBeNull();
    expect(code.textContent).toContain('Account email');
    expect(code.textContent).toContain("Always sent: it's about your account or something you asked for.");
  });

  it('when nothing was ever sent, then one sentence says so', async () => {
    mount(ok({ items: [] }));
    expect(await screen.findByText('No emails sent to you yet.')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('the switches', () => {
  it('when a row’s switch is turned off, then its category is saved off with the wording shown, and every row of that category follows', async () => {
    const saving = deferred<ReturnType<typeof ok<Me>>>();
    const { api } = mount(undefined, sampleMe(), { updatePreferences: vi.fn(() => saving.promise) });
    await screen.findByRole('list');
    const [first, second, third] = screen.getAllByRole('switch', { name: 'Monthly newsletter' });
    expect(first!.tagName).toBe('BUTTON');
    expect(first!.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(first!);
    expect(api.updatePreferences).toHaveBeenCalledWith('tok-1', { newsletter: false }, { wording: 'extension@1', locale: 'en' });
    for (const control of [first, second, third]) expect(control!.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('status').textContent).toBe('Saving…');
    saving.resolve(ok(sampleMe({ security: true, newsletter: false, events: false })));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(first!.getAttribute('aria-checked')).toBe('false');
  });

  it('when the save is refused, then the switch goes back and the status says so', async () => {
    mount(undefined, sampleMe(), { updatePreferences: vi.fn(async () => fail({ kind: 'problem', problem: problem(422) })) });
    await screen.findByRole('list');
    const [newsletter] = screen.getAllByRole('switch', { name: 'Monthly newsletter' });
    fireEvent.click(newsletter!);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(browser.i18n.getMessage('prefs_save_failed')));
    expect(newsletter!.getAttribute('aria-checked')).toBe('true');
  });

  it('when a category cannot be turned off (required, or locked by the organization), then its row says why and its switch is disabled', async () => {
    const me = { ...sampleMe(), locked: ['newsletter'] };
    const { api } = mount(undefined, me);
    await screen.findByRole('list');
    const advisory = screen.getByRole('switch', { name: 'Security alerts' });
    expect(advisory.hasAttribute('disabled')).toBe(true);
    expect(rowOf(/your address is blocked/).textContent).toContain('Always sent: you need these for your IT service.');
    for (const newsletter of screen.getAllByRole('switch', { name: 'Monthly newsletter' })) {
      expect(newsletter.hasAttribute('disabled')).toBe(true);
      expect(newsletter.getAttribute('aria-checked')).toBe('true');
    }
    expect(rowOf('November news from SERVEITPRO').textContent).toContain('Required by Client Co');
    fireEvent.click(advisory);
    expect(api.updatePreferences).not.toHaveBeenCalled();
  });

  it('when an express-only category is turned on from a row, then it stays off and says a confirmation was emailed', async () => {
    const me = sampleMe();
    mount(undefined, me, { updatePreferences: vi.fn(async () => ok({ ...me, pending: ['events'] })) });
    await screen.findByRole('list');
    const events = screen.getByRole('switch', { name: 'Events and webinars' });
    fireEvent.click(events);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/confirm/i));
    expect(events.getAttribute('aria-checked')).toBe('false');
  });
});

describe('when loading fails', () => {
  it('when the server cannot be reached, then it says so with Retry, and Retry loads the list', async () => {
    const recentMessages = vi
      .fn()
      .mockResolvedValueOnce(fail({ kind: 'unreachable', problem: null }))
      .mockResolvedValueOnce(ok({ items: [SENT] }));
    mount(undefined, sampleMe(), { recentMessages });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Couldn't load your recent emails\. /);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('November news from SERVEITPRO')).toBeTruthy();
    expect(recentMessages).toHaveBeenCalledTimes(2);
  });

  it('when the session has expired, then it hands over to the sign-in', async () => {
    const { onUnauthorized } = mount(fail({ kind: 'unauthorized', problem: problem(401) }));
    await waitFor(() => expect(onUnauthorized).toHaveBeenCalled());
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('in French', () => {
  it('when the browser is in French, then the heading, dates, labels and reasons are French', async () => {
    fake.reset('fr-CA');
    mount();
    expect(await screen.findByRole('heading', { name: 'Pourquoi ai-je reçu ces courriels?' })).toBeTruthy();
    await screen.findByRole('list');
    const sent = rowOf('November news from SERVEITPRO');
    expect(sent.textContent).toContain('Lettre mensuelle');
    expect(sent.textContent).toContain('Envoyé');
    expect(sent.querySelector('time')!.textContent).toBe(
      new Intl.DateTimeFormat('fr-CA', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-11-26T15:04:00.000Z')),
    );
    expect(sent.querySelector('time')!.textContent).toMatch(/nov/);
    expect(rowOf(/cette catégorie n’était pas activée pour vous/).textContent).toContain('Annonce');
    expect(screen.getByText('Non envoyé.')).toBeTruthy();
    expect(screen.getAllByRole('switch', { name: 'Lettre mensuelle' })).toHaveLength(3);
  });
});
