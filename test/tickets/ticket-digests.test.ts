import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextDigestAt } from '../../server/tickets/business-hours.js';
import { TicketDigests } from '../../server/tickets/ticket-digests.js';
import { TestClock } from '../support/clock.js';
import { eventually } from '../support/mail.js';
import { postAdvisory } from '../support/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the next 08:00 in a time zone', () => {
  it('when the day boundary, a daylight-saving change, or two time zones are involved, then it is 08:00 on the wall clock there', () => {
    // Toronto springs forward on 2026-03-08: 08:00 is 13:00Z the day before and 12:00Z that day.
    expect(iso(nextDigestAt(Date.parse('2026-03-06T14:00:00Z'), 'America/Toronto'))).toBe('2026-03-07T13:00:00.000Z');
    expect(iso(nextDigestAt(Date.parse('2026-03-07T14:00:00Z'), 'America/Toronto'))).toBe('2026-03-08T12:00:00.000Z');
    // Toronto falls back on 2026-11-01.
    expect(iso(nextDigestAt(Date.parse('2026-10-31T13:00:00Z'), 'America/Toronto'))).toBe('2026-11-01T13:00:00.000Z');
    // Paris springs forward on 2026-03-29: 08:00 is 07:00Z, then 06:00Z.
    expect(iso(nextDigestAt(Date.parse('2026-03-28T06:59:00Z'), 'Europe/Paris'))).toBe('2026-03-28T07:00:00.000Z');
    expect(iso(nextDigestAt(Date.parse('2026-03-28T07:00:00Z'), 'Europe/Paris'))).toBe('2026-03-29T06:00:00.000Z');
    // The same instant: still before 08:00 in Vancouver, already after it in Montréal.
    const instant = Date.parse('2026-06-01T13:00:00Z');
    expect(iso(nextDigestAt(instant, 'America/Vancouver'))).toBe('2026-06-01T15:00:00.000Z');
    expect(iso(nextDigestAt(instant, 'America/Toronto'))).toBe('2026-06-02T12:00:00.000Z');
  });
});

describe.each(STORES)('a daily digest of ticket updates on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  const clock = new TestClock();

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, clock });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });
  beforeEach(() => clock.reset());

  const organization = async (name: string, timeZone: string) => {
    const res = await server.api.post('/api/v1/organizations', { name, locale: 'fr', timeZone });
    expect(res.status).toBe(201);
    expect(res.body.timeZone).toBe(timeZone);
    return res.body.id as string;
  };
  const dailyContact = async (organizationId: string, email: string) => {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email })).body;
    const set = await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { 'ticket-updates': { subscribed: true, ticketDelivery: 'daily' } });
    expect(set.status).toBe(200);
    expect(set.body.ticketDelivery).toBe('daily');
    return contact as { id: string; email: string };
  };
  const update = async (contactId: string, ticketId: string, status: string) => {
    const res = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId },
      data: { ticketId, subject: `Ticket ${ticketId}`, status, message: `Now ${status}.` },
    });
    return eventually(() => server.api.get(`/api/v1/messages/${res.body.id}`).then((r) => r.body), (m) => !['queued', 'sending'].includes(m.status));
  };

  it('when a contact takes one email a day, then updates are collected and go out once at 08:00 in their organization’s time zone, each ticket at its latest state; critical advisories still go at once', async () => {
    // Midnight in Montréal, 21:00 the evening before in Vancouver.
    clock.setTo(Date.parse('2026-12-01T05:00:00Z'));
    const montreal = await organization('Clinique Montréal', 'America/Toronto');
    const vancouver = await organization('Clinique Vancouver', 'America/Vancouver');
    const east = await dailyContact(montreal, 'east@digest.example');
    const west = await dailyContact(vancouver, 'west@digest.example');
    expect((await server.api.get(`/api/v1/contacts/${east.id}/consent-history`)).body.at(-1)).toMatchObject({ category: 'ticket-updates', source: 'admin', ticketDelivery: 'daily' });

    for (const contact of [east, west]) {
      expect((await update(contact.id, 'T-1', 'Open')).lastError).toMatch(/^Collected for the contact's daily digest/);
      await update(contact.id, 'T-1', 'In progress');
      await update(contact.id, 'T-2', 'Resolved');
    }
    expect(await postAdvisory(server.url, { id: `digest-${kind}`, severity: 'critical', organizationIds: [montreal] }).then((r) => r.status)).toBe(202);
    const advisory = await eventually(async () => smtp.to(east.email), (m) => m.length >= 1);
    expect(advisory).toHaveLength(1);
    expect(advisory[0]!.parsed.subject).toMatch(/Critique|Critical/);

    const eastDue = Date.parse('2026-12-01T13:00:00Z');
    const westDue = Date.parse('2026-12-01T16:00:00Z');
    // Just before 08:00 in Montréal: nothing is due anywhere.
    clock.setTo(eastDue - 60_000);
    expect(await server.services.ticketDigests.sendDue()).toEqual({ digests: 0 });
    // 08:00 in Montréal: the Montréal contact's digest, not yet the Vancouver one (three hours behind).
    clock.setTo(eastDue);
    expect(await server.services.ticketDigests.sendDue()).toEqual({ digests: 1 });
    const digest = (await eventually(async () => smtp.to(east.email), (m) => m.length >= 2))[1]!;
    expect(digest.parsed.subject).toMatch(/^Le suivi de vos demandes du /);
    expect(digest.parsed.text).toContain('In progress');
    expect(digest.parsed.text).toContain('Resolved');
    expect(digest.parsed.text).not.toContain('Now Open.');
    const html = String(digest.parsed.html);
    expect(html.indexOf('Ticket T-2')).toBeGreaterThan(0);
    expect(html.indexOf('Ticket T-2')).toBeLessThan(html.indexOf('Ticket T-1'));
    expect(await server.services.ticketDigests.sendDue()).toEqual({ digests: 0 });

    // What was collected lives in the store, not the process: a fresh instance (a restarted server) sends it.
    clock.setTo(westDue);
    const restarted = new TicketDigests(server.testStore.store.db, server.services.fieldCrypto, server.services.outbox, clock);
    expect(await restarted.sendDue()).toEqual({ digests: 1 });
    const westMail = await eventually(async () => smtp.to(west.email), (m) => m.length >= 1);
    expect(westMail).toHaveLength(1);
  });

  it('when a contact switches back to immediately, then what was collected goes at the next pass, and new updates go at once', async () => {
    const org = await organization('Clinique Retour', 'Europe/Paris');
    const person = await dailyContact(org, 'back@digest.example');
    await update(person.id, 'T-9', 'Open');
    expect(smtp.to(person.email)).toHaveLength(0);
    const back = await server.api.put(`/api/v1/contacts/${person.id}/preferences`, { 'ticket-updates': { subscribed: true, ticketDelivery: 'immediate' } });
    expect(back.body.ticketDelivery).toBe('immediate');
    expect(await server.services.ticketDigests.sendDue()).toEqual({ digests: 1 });
    const collected = await eventually(async () => smtp.to(person.email), (m) => m.length >= 1);
    expect(collected[0]!.parsed.text).toContain('Now Open.');
    expect((await update(person.id, 'T-9', 'Closed')).status).toBe('sent');
    expect((await server.api.put(`/api/v1/contacts/${person.id}/preferences`, { invoices: { subscribed: true, ticketDelivery: 'daily' } })).status).toBe(400);

    // The preference page offers the same choice, under ticket updates.
    const url = `${server.url}/p/${server.services.tokens.link('preferences', person.id)}?lang=fr`;
    expect(await (await fetch(url)).text()).toContain('<option value="immediate" selected');
    const form = new URLSearchParams([['action', 'save'], ['category', 'ticket-updates'], ['ticketDelivery', 'daily'], ['lang', 'fr']]);
    const saved = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(await saved.text()).toContain('<option value="daily" selected');
    const rows = (await server.api.get(`/api/v1/contacts/${person.id}/consent-history`)).body as { category: string }[];
    expect(rows.filter((row) => row.category === 'ticket-updates').at(-1)).toMatchObject({ source: 'preference-page', subscribed: true, ticketDelivery: 'daily' });
    expect((await server.api.post('/api/v1/organizations', { name: 'Nowhere', timeZone: 'Mars/Olympus' })).status).toBe(400);
  });
});
