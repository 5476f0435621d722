// A muted ticket, the advisory threshold and the ticket delivery as a contact meets them: the ticket email's own link,
// then the built extension in headless Chromium, on the real server and worker, codes read from a
// real SMTP server's mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreKind } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { linksIn } from '../support/mail.js';
import { nthMailTo } from '../self-service/self-service-client.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText, signInThroughPopup } from './popup-sign-in.js';

const RUNS: { kind: StoreKind; lang: 'en' | 'fr'; advisories: string; ticketUpdates: string }[] = [
  { kind: 'sqlite', lang: 'en', advisories: 'Security advisories', ticketUpdates: 'Ticket updates' },
  { kind: 'postgres', lang: 'fr', advisories: 'Avis de sécurité', ticketUpdates: 'Suivi des demandes' },
];

describe.each(RUNS)('muted tickets and the advisory threshold in the extension ($lang, $kind)', ({ kind, lang, advisories, ticketUpdates }) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;
  const text = extensionText(lang);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });


  it('when a ticket is muted from its email, then the options page lists it and Unmute ends it; and "Critical only" and "One email a day" in the popup are stored', async () => {
    const email = `muted.${lang}@example.com`;
    const org = (await server.api.post('/api/v1/organizations', { name: 'Clinique Boréale', locale: lang })).body;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org.id, email, name: 'Alex Martin' })).body;
    expect(contact.advisoryThreshold).toBe('all');
    expect(contact.ticketDelivery).toBe('immediate');

    const sent = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-42', subject: 'Printer', status: 'Open', message: 'On it.' },
    });
    expect(sent.body.status).toBe('queued');
    const ticketMail = await nthMailTo(smtp, email, 1);
    const muteLinks = linksIn(ticketMail).filter((link) => link.startsWith(`${server.url}/t/`));
    expect(muteLinks).toHaveLength(1);
    const muted = await fetch(muteLinks[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=mute',
      redirect: 'manual',
    });
    expect(muted.status).toBe(303);
    expect((await fetch(new URL(muted.headers.get('location')!, muteLinks[0]!))).status).toBe(200);
    const mutes = await server.services.ticketMutes.list(contact.id);
    expect(mutes).toEqual([{ ticketId: 'T-42', mutedAt: expect.any(String) }]);

    launched = await launchExtension({ serverUrl: server.url, ...(lang === 'fr' ? { lang } : {}) });
    const popup = await launched.context.newPage();
    await popup.goto(launched.url('popup.html'));
    await signInThroughPopup(popup, smtp, email, text);

    // The options page lists T-42 with the day it was muted, in the page's language.
    const options = await launched.context.newPage();
    await options.goto(launched.url('options.html'));
    const section = options.getByRole('region', { name: text('options_muted_heading'), exact: true });
    const unmute = section.getByRole('button', { name: `${text('options_muted_unmute')} T-42`, exact: true });
    await unmute.waitFor();
    const mutedOn = new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(mutes[0]!.mutedAt));
    expect(await section.getByRole('listitem').allTextContents()).toEqual([`T-42${text('options_muted_since', mutedOn)}${text('options_muted_unmute')}`]);

    await unmute.click();
    await section.getByRole('status').getByText(text('options_muted_unmuted', 'T-42'), { exact: true }).waitFor();
    expect(await section.getByRole('listitem').count()).toBe(0);
    expect(await section.getByText(text('options_muted_none'), { exact: true }).isVisible()).toBe(true);
    const sessionToken = await launched.serviceWorker.evaluate(async () => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<{ sessionToken: string }> } } } };
      return (await chrome.storage.local.get('sessionToken')).sessionToken;
    });
    const listed = await fetch(`${server.url}/api/v1/me/muted-tickets`, { headers: { authorization: `Bearer ${sessionToken}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([]);
    expect(await server.services.ticketMutes.list(contact.id)).toEqual([]);

    // In the popup, under the advisories switch: "Critical only", saved at once.
    const threshold = popup.getByRole('combobox', { name: text('prefs_threshold_label'), exact: true });
    const advisoriesRow = popup.locator('li.preference', { has: popup.getByRole('switch', { name: advisories, exact: true }) });
    expect(await advisoriesRow.getByRole('combobox').count()).toBe(1);
    expect(await threshold.inputValue()).toBe('all');
    await threshold.selectOption({ label: text('prefs_threshold_critical') });
    await popup.getByRole('status').getByText(text('prefs_saved'), { exact: true }).waitFor();
    expect((await server.api.get(`/api/v1/contacts/${contact.id}`)).body.advisoryThreshold).toBe('critical');

    // Under the ticket updates switch: "One email a day", saved at once.
    const delivery = popup.getByRole('combobox', { name: text('prefs_delivery_label'), exact: true });
    const ticketUpdatesRow = popup.locator('li.preference', { has: popup.getByRole('switch', { name: ticketUpdates, exact: true }) });
    expect(await ticketUpdatesRow.getByRole('combobox', { name: text('prefs_delivery_label'), exact: true }).count()).toBe(1);
    expect(await delivery.inputValue()).toBe('immediate');
    expect(await delivery.isEnabled()).toBe(true);
    // The status still says "saved" from the threshold: wait for this change's own answer.
    const answered = popup.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/me/ticket-delivery');
    await delivery.selectOption({ label: text('prefs_delivery_daily') });
    const answer = await answered;
    expect(answer.request().method()).toBe('PUT');
    expect(answer.status()).toBe(200);
    expect(new URL(answer.url()).searchParams.get('locale')).toBe(lang);
    await popup.getByRole('status').getByText(text('prefs_saved'), { exact: true }).waitFor();
    expect(await delivery.inputValue()).toBe('daily');
    const stored = (await server.api.get(`/api/v1/contacts/${contact.id}`)).body;
    expect(stored.ticketDelivery).toBe('daily');
    expect(stored.advisoryThreshold).toBe('critical');

    await popup.reload();
    await threshold.waitFor();
    expect(await threshold.inputValue()).toBe('critical');
    expect(await delivery.inputValue()).toBe('daily');
  });
});
