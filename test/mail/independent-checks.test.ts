import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../contract/index.js';
import { TEMPLATE_NAMES, type TemplateName } from '../../server/rendering/render.js';
import { nextDigestAt } from '../../server/tickets/business-hours.js';
import { dkimTxtRecord, receivedFromOutside, spamAssassin, verifyDkim } from '../support/independent-checks.js';
import { eventually } from '../support/mail.js';
import { postAdvisory, postServiceAlert } from '../support/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.js';
import { SAMPLE_DATA } from './fixtures.js';

/**
 * Every template, in both languages, sent by the real server through its real flows to a real
 * SMTP server, then judged by tools nobody on the project wrote: SpamAssassin scores it as a
 * receiver would (no rule may add points), and dkimpy checks its DKIM signature against the
 * public key. On SQLite only: the store holds nothing the emails' content depends on, and the
 * other tests of test/mail/ use no store at all.
 */

const DAY = 86_400_000;
const DKIM = { domain: 'serveitpro.example', selector: 'mail2026' };
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const TIME_ZONE = 'America/Toronto';

const CATEGORY_OF: Partial<Record<TemplateName, string>> = {
  'ticket-update': 'ticket-updates',
  'ticket-digest': 'ticket-updates',
  'invoice-receipt': 'invoices',
  announcement: 'marketing',
  'security-advisory': 'security-advisories',
  'service-alert': 'service-alerts',
};

let server: TestServer;
let smtp: TestSmtp;
/** What arrived for each template and language. */
const received = new Map<string, ReceivedMail>();
const key = (template: TemplateName, locale: Locale) => `${template}.${locale}`;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer('sqlite', {
    smtpUrl: smtp.url,
    env: {
      // What a real sender has: a domain name in every link, the full brand, DKIM.
      PUBLIC_URL: 'https://mail.serveitpro.example',
      MAIL_FROM: 'SERVEITPRO <no-reply@serveitpro.example>',
      BRAND_POSTAL_ADDRESS: '1200, rue Peel, bureau 400\nMontréal (Québec)  H3B 2T6',
      BRAND_PHONE: '+1 514 555-0100',
      BRAND_CONTACT_EMAIL: 'info@serveitpro.example',
      BRAND_WEBSITE_URL: 'https://serveitpro.example',
      BRAND_LOGO_URL: 'https://serveitpro.example/logo.png',
      DKIM_DOMAIN: DKIM.domain,
      DKIM_SELECTOR: DKIM.selector,
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      TRUST_PROXY: 'loopback',
    },
  });
  for (const locale of LOCALES) await sendEveryTemplate(locale);
  expect(received.size).toBe(TEMPLATE_NAMES.length * LOCALES.length);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const api = () => server.api;

async function organization(name: string, locale: Locale, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api().post('/api/v1/organizations', { name, locale, timeZone: TIME_ZONE, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function contact(organizationId: string, email: string, locale: Locale, extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const res = await api().post('/api/v1/contacts', { organizationId, email, name: 'Marie Tremblay', locale, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; email: string };
}

/** The one email `address` receives after `send` runs, kept under its template and language. */
async function expectMail(template: TemplateName, locale: Locale, address: string, send: () => Promise<unknown>): Promise<void> {
  const before = smtp.to(address).length;
  await send();
  const mail = (await eventually(async () => smtp.to(address), (list) => list.length > before, 20_000))[before]!;
  received.set(key(template, locale), mail);
}

async function putPreferences(contactId: string, preferences: Record<string, unknown>): Promise<void> {
  const res = await api().put(`/api/v1/contacts/${contactId}/preferences`, preferences);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function queue(category: string, template: TemplateName, contactId: string): Promise<void> {
  const res = await api().post('/api/v1/messages', { category, template, to: { contactId }, data: SAMPLE_DATA[template] });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.status).toBe('queued');
}

function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

/** Each template through the flow that sends it in real life, to a contact of its own in `locale`. */
async function sendEveryTemplate(locale: Locale): Promise<void> {
  const address = (template: TemplateName) => `${template}.${locale}@clinique.example`;
  const newContact = async (template: TemplateName, extra: Record<string, unknown> = {}) =>
    contact(await organization(`Clinique ${template} ${locale}`, locale, extra), address(template), locale);

  // Category mail from the messages API.
  for (const template of ['ticket-update', 'invoice-receipt', 'announcement'] as const) {
    const person = await newContact(template);
    if (template === 'announcement') await putPreferences(person.id, { marketing: true });
    await expectMail(template, locale, person.email, () => queue(CATEGORY_OF[template]!, template, person.id));
  }

  // Advisories and service alerts from their signed webhooks, to one organization each.
  {
    const organizationId = await organization(`Clinique advisory ${locale}`, locale);
    const person = await contact(organizationId, address('security-advisory'), locale);
    const { title, severity, summary, body } = SAMPLE_DATA['security-advisory'];
    await expectMail('security-advisory', locale, person.email, async () => {
      const res = await postAdvisory(server.url, { id: `ADV-${locale}`, title, severity, summary, body, organizationIds: [organizationId] });
      expect(res.status, await res.text()).toBe(202);
    });
  }
  {
    const organizationId = await organization(`Clinique alert ${locale}`, locale);
    const person = await contact(organizationId, address('service-alert'), locale);
    const { title, affected, status, startedAt, expectedResolutionAt, workaround, revision } = SAMPLE_DATA['service-alert'];
    await expectMail('service-alert', locale, person.email, async () => {
      const res = await postServiceAlert(server.url, { id: `ALERT-${locale}`, revision, title, affected, status, startedAt, expectedResolutionAt, workaround, organizationIds: [organizationId] });
      expect(res.status, await res.text()).toBe(202);
    });
  }

  // The self-service sign-in code the browser extension asks for.
  {
    const person = await newContact('sign-in-code');
    await expectMail('sign-in-code', locale, person.email, async () => {
      const res = await api().as(null).request('POST', '/api/v1/session/code', { json: { email: person.email, locale }, headers: { 'x-forwarded-for': `198.51.100.${locale === 'en' ? 11 : 12}` } });
      expect(res.status).toBe(202);
    });
  }

  // A fresh preferences link asked for from the link pages' form.
  {
    const person = await newContact('preferences-link');
    await expectMail('preferences-link', locale, person.email, async () => expect((await postForm('/links/fresh', { email: person.email, lang: locale })).status).toBe(200));
  }

  // A copy of one's data, asked for from the preference center.
  {
    const person = await newContact('data-export');
    const token = server.services.tokens.link('preferences', person.id);
    await expectMail('data-export', locale, person.email, async () => expect((await postForm(`/p/${token}`, { action: 'email-export', lang: locale })).status).toBe(200));
  }

  // An admin corrects a contact's address: the replaced one is told.
  {
    const person = await newContact('email-changed');
    await expectMail('email-changed', locale, person.email, async () => {
      const res = await api().patch(`/api/v1/contacts/${person.id}`, { email: `renamed.${locale}@clinique.example` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });
  }

  // A confirmed subscription to news and offers (double opt-in).
  {
    const person = await newContact('confirm-subscription');
    await expectMail('confirm-subscription', locale, person.email, () => putPreferences(person.id, { marketing: { subscribed: true, confirm: true } }));
  }

  // Implied consent about to lapse: the daily job asks to reconfirm.
  {
    const lastPurchaseAt = new Date(Date.now() - (2 * 365 - 20) * DAY).toISOString().slice(0, 10);
    const person = await newContact('reconfirm-consent', { lastPurchaseAt });
    await expectMail('reconfirm-consent', locale, person.email, () => server.services.impliedConsent.runDaily());
  }

  // The last person receiving invoices at an organization leaves: its lead is told.
  {
    const organizationId = await organization(`Clinique coverage ${locale}`, locale);
    const lead = await contact(organizationId, address('coverage-lost'), locale, { orgLead: true });
    const staff = await contact(organizationId, `billing.${locale}@clinique.example`, locale);
    await putPreferences(lead.id, { invoices: false });
    await expectMail('coverage-lost', locale, lead.email, () => putPreferences(staff.id, { invoices: false }));
  }

  // Ticket updates collected for one email a day, sent at 08:00 in the organization's time zone.
  {
    const person = await newContact('ticket-digest');
    await putPreferences(person.id, { 'ticket-updates': { subscribed: true, ticketDelivery: 'daily' } });
    for (const ticket of (SAMPLE_DATA['ticket-digest'].tickets as Record<string, unknown>[]).toReversed()) {
      const res = await api().post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: person.id }, data: ticket });
      await eventually(() => api().get(`/api/v1/messages/${res.body.id}`).then((r) => r.body.status as string), (status) => status === 'suppressed');
    }
    // As the daily job does at the next 08:00 there.
    const due = nextDigestAt(Date.now(), TIME_ZONE);
    await expectMail('ticket-digest', locale, person.email, async () => expect(await server.services.ticketDigests.sendDue(due)).toEqual({ digests: 1 }));
  }
}

const cases = TEMPLATE_NAMES.flatMap((template) => LOCALES.map((locale) => [template, locale] as const));

describe('every email judged by SpamAssassin, as a receiver would score it', () => {
  it.each(cases)('when %s (%s) arrives from outside, then no rule adds points', async (template, locale) => {
    const mail = received.get(key(template, locale))!;
    const { rules } = await spamAssassin(receivedFromOutside(mail.raw));
    const scoring = rules.filter((rule) => rule.points > 0);
    expect(scoring, `rules that add points: ${scoring.map((r) => `${r.name} (+${r.points}: ${r.description})`).join(', ')}`).toEqual([]);
    // It really was judged as mail from outside, not as trusted local mail.
    expect(rules.map((r) => r.name)).not.toContain('ALL_TRUSTED');
  });
});

describe('every email signed with DKIM, as dkimpy checks it', () => {
  it.each(cases)('when %s (%s) is verified against the published key, then the signature holds and covers what it must', async (template, locale) => {
    const mail = received.get(key(template, locale))!;
    const verdict = await verifyDkim(mail.raw, { ...DKIM, txtRecord: dkimTxtRecord(publicKey) });
    expect(verdict.asked).toEqual([`${DKIM.selector}._domainkey.${DKIM.domain}.`]);
    expect(verdict.valid).toBe(true);
    expect(verdict.signedHeaders).toEqual(expect.arrayContaining(['from', 'subject', 'date', 'message-id', 'to', 'feedback-id']));
    if (CATEGORY_OF[template]) expect(verdict.signedHeaders).toEqual(expect.arrayContaining(['list-id', 'list-unsubscribe', 'list-unsubscribe-post']));
    else expect(verdict.signedHeaders).not.toContain('list-unsubscribe');
  });

  it('when a signed header is changed on the way, then the signature no longer holds', async () => {
    const mail = received.get(key('invoice-receipt', 'fr'))!;
    const tampered = mail.raw.replace(/^Feedback-ID: invoices:/m, 'Feedback-ID: marketing:');
    expect(tampered).not.toBe(mail.raw);
    expect((await verifyDkim(tampered, { ...DKIM, txtRecord: dkimTxtRecord(publicKey) })).valid).toBe(false);
  });
});
