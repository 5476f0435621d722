// Advisories and service alerts as the support team and client staff meet them: bilingual fan-out,
// the fallback note, revisions to the first recipients only, acknowledgment from the email's own
// link and the extension's API, escalation over simulated time, and the report, checked against
// what a real SMTP server received.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.js';
import { eventually, header, linksIn } from '../support/mail.js';
import { postAdvisory, postServiceAlert } from '../support/seed.js';
import { TestClock } from '../support/clock.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';

const HOUR = 3_600_000;
const BOTH = {
  title: { en: 'Patch the firewall', fr: 'Corrigez le pare-feu' },
  summary: { en: 'A flaw is exploited.', fr: 'Une faille est exploitée.' },
  body: { en: 'Update to **7.2.8**.', fr: 'Passez à la version **7.2.8**.' },
};

describe.each(STORES)('advisories that reach people on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  const clock = new TestClock();
  let run = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, clock, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    clock.reset();
    run++;
  });

  async function organization(name: string, locale: 'en' | 'fr' = 'en') {
    return (await server.api.post('/api/v1/organizations', { name, locale })).body.id as string;
  }
  async function contact(organizationId: string, email: string, extra: Record<string, unknown> = {}) {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email, ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const optOut = (id: string, category: string) => server.api.put(`/api/v1/contacts/${id}/preferences`, { [category]: false });
  const mailsTo = (email: string, count: number) => eventually(async () => smtp.to(email), (list) => list.length >= count);
  const link = (mail: ReceivedMail, text: string) => {
    const html = String(mail.parsed.html);
    const match = [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].find((m) => m[2]!.replace(/<[^>]+>/g, '').trim() === text);
    if (!match) throw new Error(`no "${text}" link in ${linksIn(mail).join(' ')}`);
    return match[1]!.replace(/&amp;/g, '&');
  };
  const report = async (id: string) => {
    const res = await server.api.get(`/api/v1/advisories/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('when one advisory is written in both languages, then each contact gets it in their own, with the severity and buttons in that language', async () => {
    const org = await organization('Clinique Boréale', 'fr');
    const fr = `fr.${run}@boreale.example`;
    const en = `en.${run}@boreale.example`;
    await contact(org, fr, { locale: 'fr', name: 'Léa Roy' });
    await contact(org, en, { locale: 'en' });
    await optOut(await contact(org, `out.${run}@boreale.example`), 'security-advisories');

    const res = await postAdvisory(server.url, { id: `ADV-both-${kind}`, severity: 'high', organizationIds: [org], ...BOTH });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ advisoryId: `ADV-both-${kind}`, revision: 1, queued: 2, suppressed: 1 });

    const [french] = await mailsTo(fr, 1);
    expect(french!.parsed.subject).toBe('[Élevée] Corrigez le pare-feu');
    expect(header(french!, 'Content-Language')).toBe('fr-CA');
    expect(french!.parsed.text).toContain('Une faille est exploitée.');
    expect(french!.parsed.text).toContain('Passez à la version 7.2.8.');
    expect(french!.parsed.text).not.toContain('Patch the firewall');
    expect(french!.parsed.text).not.toContain('rédigé qu’en');
    expect(String(french!.parsed.html)).toMatch(/<h1 lang="fr"[^>]*>Corrigez le pare-feu<\/h1>/);
    link(french!, 'J’ai lu cet avis');
    link(french!, 'Nous avons appliqué le correctif');

    const [english] = await mailsTo(en, 1);
    expect(english!.parsed.subject).toBe('[High] Patch the firewall');
    expect(english!.parsed.text).toContain('A flaw is exploited.');
    expect(english!.parsed.text).not.toContain('Corrigez');
    link(english!, 'I have read this');
    link(english!, 'We have applied the fix');
    expect(smtp.to(`out.${run}@boreale.example`)).toHaveLength(0);
  });

  it('when an advisory exists in one language only, then the others get it with a one-line note in their own language; low severity asks only "read"', async () => {
    const org = await organization('Seule langue');
    const fr = `fr.${run}@one.example`;
    const en = `en.${run}@one.example`;
    await contact(org, fr, { locale: 'fr' });
    await contact(org, en, { locale: 'en' });

    expect((await postAdvisory(server.url, { id: `ADV-fr-only-${kind}`, severity: 'low', organizationIds: [org], title: { fr: 'Avis en français' }, summary: 'Résumé', body: 'Corps', language: 'fr' })).status).toBe(202);
    const [english] = await mailsTo(en, 1);
    expect(english!.parsed.subject).toBe('[Low] Avis en français');
    expect(english!.parsed.text).toContain('This message was written in French only.');
    expect(String(english!.parsed.html)).toMatch(/<h1 lang="fr"[^>]*>Avis en français<\/h1>/);
    link(english!, 'I have read this');
    expect(linksIn(english!).filter((u) => u.includes('/a/'))).toHaveLength(1);
    const [french] = await mailsTo(fr, 1);
    expect(french!.parsed.text).not.toContain('rédigé qu’en');

    expect((await postAdvisory(server.url, { id: `ADV-en-only-${kind}`, severity: 'medium', organizationIds: [org], title: 'English only' })).status).toBe(202);
    const [, frenchAgain] = await mailsTo(fr, 2);
    expect(frenchAgain!.parsed.subject).toBe('[Moyenne] English only');
    expect(frenchAgain!.parsed.text).toContain('Ce message n’a été rédigé qu’en anglais.');
  });

  it('when the messages API sends a bilingual advisory or a service alert to one contact, then it arrives in the contact’s language, without acknowledgment buttons', async () => {
    const org = await organization('API directe');
    const email = `api.${run}@direct.example`;
    const id = await contact(org, email, { locale: 'fr' });
    const advisory = await server.api.post('/api/v1/messages', { category: 'security-advisories', template: 'security-advisory', to: { contactId: id }, data: { severity: 'critical', ...BOTH } });
    expect(advisory.status).toBe(202);
    const [first] = await mailsTo(email, 1);
    expect(first!.parsed.subject).toBe('[Critique] Corrigez le pare-feu');
    expect(linksIn(first!).some((u) => u.includes('/a/'))).toBe(false);
    const alert = await server.api.post('/api/v1/messages', {
      category: 'service-alerts',
      template: 'service-alert',
      to: { contactId: id },
      data: { status: 'monitoring', title: { en: 'VPN down' }, affected: 'VPN', startedAt: '2026-11-30T14:05:00Z' },
    });
    expect(alert.status).toBe(202);
    const [, second] = await mailsTo(email, 2);
    expect(second!.parsed.subject).toBe('[Correctif en place, sous surveillance] VPN down');
    expect(second!.parsed.text).toContain('Ce message n’a été rédigé qu’en anglais.');
    const missing = await server.api.post('/api/v1/messages', { category: 'service-alerts', template: 'service-alert', to: { contactId: id }, data: { status: 'down' } });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain('title');
  });

  it('when the texts are empty or in another language, then 400 names the field and nothing is recorded', async () => {
    for (const [body, field] of [
      [{ title: { de: 'Achtung' } }, 'title'],
      [{ summary: { en: '  ' } }, 'summary'],
      [{ body: {} }, 'body'],
    ] as const) {
      const res = await postAdvisory(server.url, { id: `ADV-bad-lang-${kind}`, ...body });
      expect(res.status).toBe(400);
      expect(JSON.stringify((await res.json()).errors)).toContain(`#/${field}`);
    }
    expect((await server.api.get(`/api/v1/advisories/ADV-bad-lang-${kind}`)).status).toBe(404);
  });

  it('when a service alert is revised, then each revision goes only to those who received the first, as an update, until it is resolved', async () => {
    const org = await organization('Alertes inc.');
    const people = [`a.${run}@alert.example`, `b.${run}@alert.example`, `c.${run}@alert.example`];
    const ids = [];
    for (const email of people) ids.push(await contact(org, email, { locale: email.startsWith('b') ? 'fr' : 'en' }));
    const id = `INC-${kind}`;
    const first = await postServiceAlert(server.url, {
      id,
      revision: 1,
      organizationIds: [org],
      title: { en: 'Email delayed', fr: 'Courriels retardés' },
      affected: { en: 'Hosted Exchange', fr: 'Exchange hébergé' },
    });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ alertId: id, revision: 1, queued: 3, suppressed: 0 });
    for (const email of people) await mailsTo(email, 1);
    expect(smtp.to(people[0]!)[0]!.parsed.subject).toBe('[Investigating] Email delayed');
    expect(smtp.to(people[1]!)[0]!.parsed.subject).toBe('[Analyse en cours] Courriels retardés');
    expect(smtp.to(people[0]!)[0]!.parsed.text).toContain('Affected: Hosted Exchange');
    expect(header(smtp.to(people[0]!)[0]!, 'List-Id')).toContain('service-alerts');

    // After the first: one person opts out, one joins the organization.
    await optOut(ids[2]!, 'service-alerts');
    const newcomer = `new.${run}@alert.example`;
    await contact(org, newcomer);

    const second = await postServiceAlert(server.url, { id, revision: 2, status: 'identified', organizationIds: [org], title: 'Email delayed', affected: 'Hosted Exchange', workaround: 'Use Outlook on the web.' });
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ alertId: id, revision: 2, queued: 2, suppressed: 1 });
    await mailsTo(people[0]!, 2);
    await mailsTo(people[1]!, 2);
    expect(smtp.to(people[0]!)[1]!.parsed.subject).toBe('Update: [Cause identified] Email delayed');
    expect(smtp.to(people[0]!)[1]!.parsed.text).toContain('Use Outlook on the web.');
    expect(smtp.to(people[1]!)[1]!.parsed.subject).toBe('Mise à jour\u00a0: [Cause trouvée] Email delayed');
    expect(smtp.to(people[1]!)[1]!.parsed.text).toContain('Ce message n’a été rédigé qu’en anglais.');

    for (const again of [2, 1]) {
      const res = await postServiceAlert(server.url, { id, revision: again, organizationIds: [org] });
      expect(res.status).toBe(200);
      expect((await res.json()).revision).toBe(again);
    }
    const resolved = await postServiceAlert(server.url, { id, revision: 3, status: 'resolved' });
    expect(resolved.status).toBe(202);
    await mailsTo(people[0]!, 3);
    expect(smtp.to(people[0]!)[2]!.parsed.subject).toBe('Update: [Resolved] Email delayed');
    expect(smtp.to(people[0]!)[2]!.parsed.text).toContain('This incident is resolved.');
    const closed = await postServiceAlert(server.url, { id, revision: 4, status: 'monitoring' });
    expect(closed.status).toBe(409);

    await eventually(() => server.api.get(`/api/v1/service-alerts/${id}`), (res) => res.body.totals?.queued === 0 && res.body.totals?.sending === 0);
    const alert = (await server.api.get(`/api/v1/service-alerts/${id}`)).body;
    expect(alert).toMatchObject({ id, kind: 'service-alert', status: 'resolved', revision: 3, totals: { sent: 7, suppressed: 2, failed: 0 } });
    expect(alert.revisions.map((r: { revision: number; counts: { sent: number } }) => [r.revision, r.counts.sent])).toEqual([[1, 3], [2, 2], [3, 2]]);
    expect(smtp.to(people[2]!)).toHaveLength(1);
    expect(smtp.to(newcomer)).toHaveLength(0);
  });

  it('when an advisory is revised, then the update goes to the same recipients, marked as such', async () => {
    const org = await organization('Révisions');
    const first = `first.${run}@rev.example`;
    await contact(org, first);
    expect((await postAdvisory(server.url, { id: `ADV-rev-${kind}`, organizationIds: [org], severity: 'medium', ...BOTH })).status).toBe(202);
    await mailsTo(first, 1);
    const later = `later.${run}@rev.example`;
    await contact(org, later);
    const update = await postAdvisory(server.url, { id: `ADV-rev-${kind}`, revision: 2, severity: 'high', ...BOTH, summary: 'Now exploited widely.' });
    expect(update.status).toBe(202);
    expect(await update.json()).toEqual({ advisoryId: `ADV-rev-${kind}`, revision: 2, queued: 1, suppressed: 0 });
    const [, updated] = await mailsTo(first, 2);
    expect(updated!.parsed.subject).toBe('Update: [High] Patch the firewall');
    expect(updated!.parsed.text).toContain('This advisory was revised since we first sent it.');
    expect(updated!.parsed.text).toContain('Now exploited widely.');
    expect(smtp.to(later)).toHaveLength(0);
  });

  it('when someone confirms from the email link, then it counts for the whole organization and colleagues see who and when', async () => {
    const org = await organization('Lecture partagée');
    const marie = `marie.${run}@ack.example`;
    const paul = `paul.${run}@ack.example`;
    await contact(org, marie, { name: 'Marie Tremblay' });
    await contact(org, paul, { locale: 'fr' });
    const id = `ADV-ack-${kind}`;
    expect((await postAdvisory(server.url, { id, organizationIds: [org], severity: 'critical', ...BOTH })).status).toBe(202);
    const [mail] = await mailsTo(marie, 1);
    const readUrl = link(mail!, 'I have read this');
    expect(readUrl).not.toContain(marie.split('@')[0]);

    // A link scanner's GET changes nothing.
    const page = await fetch(readUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Patch the firewall');
    expect(html).toContain('Yes, I have read it');
    expect((await report(id)).organizations[0].read).toBeNull();

    const posted = await fetch(readUrl, { method: 'POST', body: new URLSearchParams({ action: 'acknowledge' }) });
    expect(posted.status).toBe(200);
    const done = await posted.text();
    expect(done).toContain('Thank you. It is recorded for Lecture partagée.');
    expect(done).toContain('Read: confirmed by you on');

    // Paul, in the extension: the advisory is read by Marie, the fix still open.
    const client = new SelfServiceClient(server);
    await signInByMail(client, smtp, paul);
    const mine = await client.request('GET', '/api/v1/me/advisories');
    expect(mine.status).toBe(200);
    expect(mine.body.items[0]).toMatchObject({
      id,
      title: 'Corrigez le pare-feu',
      language: 'fr',
      severity: 'critical',
      asksApplied: true,
      read: { by: 'Marie Tremblay', byMe: false },
      applied: null,
    });
    const applied = await client.request('POST', `/api/v1/me/advisories/${id}/acknowledgments`, { action: 'applied' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ read: { by: 'Marie Tremblay', byMe: false }, applied: { byMe: true } });
    expect((await client.request('POST', `/api/v1/me/advisories/${id}/acknowledgments`, { action: 'patched' })).status).toBe(400);
    expect((await client.request('POST', '/api/v1/me/advisories/ADV-unknown/acknowledgments', { action: 'read' })).status).toBe(404);

    // Marie's "applied" link afterwards: Paul's confirmation stands.
    const appliedPage = await (await fetch(link(mail!, 'We have applied the fix'))).text();
    expect(appliedPage).toContain('Fix applied: confirmed by a colleague on');
    expect(appliedPage).not.toContain('Yes, we have applied the fix');

    const [organizationReport] = (await report(id)).organizations;
    expect(organizationReport).toMatchObject({ name: 'Lecture partagée', read: { name: 'Marie Tremblay' }, applied: { name: null } });

    // Another organization's contact cannot acknowledge an advisory that was not sent to it.
    const stranger = `stranger.${run}@elsewhere.example`;
    await contact(await organization('Ailleurs'), stranger);
    const other = new SelfServiceClient(server);
    await signInByMail(other, smtp, stranger);
    expect((await other.request('POST', `/api/v1/me/advisories/${id}/acknowledgments`, { action: 'read' })).status).toBe(404);
    expect((await other.request('GET', '/api/v1/me/advisories')).body.items.map((a: { id: string }) => a.id)).not.toContain(id);
  });

  it('when nobody at an organization acknowledges a critical advisory for a day, then one reminder goes to its recipients and lead, never to those who opted out, and the report and audit log say so', async () => {
    const quiet = await organization('Silence radio');
    const busy = await organization('Toujours là');
    const recipient = `r.${run}@quiet.example`;
    const optedOut = `o.${run}@quiet.example`;
    const reader = `reader.${run}@busy.example`;
    await contact(quiet, recipient);
    const outId = await contact(quiet, optedOut);
    await optOut(outId, 'security-advisories');
    await contact(busy, reader, { name: 'Ana Reader' });
    const id = `ADV-esc-${kind}`;
    expect((await postAdvisory(server.url, { id, organizationIds: [quiet, busy], severity: 'critical', ...BOTH })).status).toBe(202);
    await mailsTo(recipient, 1);
    const [readerMail] = await mailsTo(reader, 1);
    expect((await fetch(link(readerMail!, 'I have read this'), { method: 'POST', body: new URLSearchParams({ action: 'acknowledge' }) })).status).toBe(200);
    // The lead joined after the advisory went out: the reminder still reaches them.
    const lead = `lead.${run}@quiet.example`;
    await contact(quiet, lead, { orgLead: true });

    clock.setTo(Date.now() + 23 * HOUR);
    expect(await server.services.escalations.escalateDue()).toEqual({ escalated: 0 });
    clock.setTo(Date.now() + 25 * HOUR);
    expect(await server.services.escalations.escalateDue()).toEqual({ escalated: 1 });
    expect(await server.services.escalations.escalateDue()).toEqual({ escalated: 0 });

    const [, reminder] = await mailsTo(recipient, 2);
    expect(reminder!.parsed.subject).toBe('Reminder: [Critical] Patch the firewall');
    expect(reminder!.parsed.text).toContain('Nobody at your organization has told us they read this critical advisory yet.');
    link(reminder!, 'I have read this');
    const [leadReminder] = await mailsTo(lead, 1);
    expect(leadReminder!.parsed.subject).toBe('Reminder: [Critical] Patch the firewall');
    expect(smtp.to(optedOut)).toHaveLength(0);
    expect(smtp.to(reader)).toHaveLength(1);

    const done = await eventually(() => report(id), (r) => r.totals.queued === 0 && r.totals.sending === 0);
    const byName = Object.fromEntries(done.organizations.map((o: { name: string }) => [o.name, o]));
    expect(byName['Silence radio']).toMatchObject({ read: null, escalation: { reminded: 2 }, counts: { sent: 3, suppressed: 1 } });
    expect(byName['Silence radio'].suppressed).toEqual([{ reason: 'The contact is not subscribed to this category.', count: 1 }]);
    expect(byName['Toujours là']).toMatchObject({ read: { name: 'Ana Reader' }, escalation: null, counts: { sent: 1 } });

    // The report's counts are what the SMTP server received, organization by organization.
    const received = (suffix: string) => smtp.received.filter((m) => m.to.some((to) => to.endsWith(suffix)) && /Patch the firewall|Corrigez/.test(m.parsed.subject ?? '')).length;
    expect(byName['Silence radio'].counts.sent).toBe(received('@quiet.example'));
    expect(byName['Toujours là'].counts.sent).toBe(received('@busy.example'));
    expect(done.totals.sent).toBe(received('@quiet.example') + received('@busy.example'));
    expect(done.revisions.map((r: { purpose: string }) => r.purpose)).toEqual(['original', 'reminder']);

    const audit = await eventually(() => server.api.get('/api/v1/audit-log?limit=500'), (res) => res.body.items.some((e: { action: string }) => e.action === 'advisory.escalated'));
    const entry = audit.body.items.find((e: { action: string; target: string }) => e.action === 'advisory.escalated' && e.target === quiet);
    expect(entry.detail).toContain(id);

    const csv = await server.api.get(`/api/v1/advisories/${id}/report.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse(String(csv.body), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.organization === 'Toujours là')).toMatchObject({ sent: '1', read_by: 'Ana Reader', reminded_at: '' });
    expect(rows.find((r) => r.organization === 'Silence radio')).toMatchObject({ sent: '3', reminded: '2', read_by: '' });

    const list = await server.api.get('/api/v1/advisories?limit=200');
    expect(list.body.items.find((a: { id: string }) => a.id === id)).toMatchObject({ organizations: 2, read: 1, applied: 0, escalated: 1 });
  });

  it('when the person who acknowledged exports their data, then it lists it; once erased, the organization keeps the acknowledgment without them', async () => {
    const org = await organization('Mémoire');
    const email = `who.${run}@memory.example`;
    const id = await contact(org, email, { name: 'Who Knows' });
    const advisoryId = `ADV-erase-${kind}`;
    expect((await postAdvisory(server.url, { id: advisoryId, organizationIds: [org] })).status).toBe(202);
    const [mail] = await mailsTo(email, 1);
    expect((await fetch(link(mail!, 'I have read this'), { method: 'POST', body: new URLSearchParams({ action: 'acknowledge' }) })).status).toBe(200);
    const exported = await server.api.get(`/api/v1/contacts/${id}/export`);
    expect(exported.body.advisoryAcknowledgments).toEqual([{ advisoryId, action: 'read', at: expect.any(String) }]);
    expect((await server.api.delete(`/api/v1/contacts/${id}`)).status).toBe(200);
    const after = await report(advisoryId);
    expect(after.organizations.find((o: { name: string }) => o.name === 'Mémoire').read).toEqual({ at: expect.any(String), contactId: null, name: null });
  });

  it('when an organization name starts like a formula, then the CSV keeps it as text', async () => {
    const org = await organization('=HYPERLINK("http://evil.example")');
    await contact(org, `f.${run}@formula.example`);
    expect((await postAdvisory(server.url, { id: `ADV-csv-${kind}`, organizationIds: [org] })).status).toBe(202);
    const csv = await eventually(() => server.api.get(`/api/v1/advisories/ADV-csv-${kind}/report.csv`), (res) => String(res.body).includes('HYPERLINK'));
    const rows = parse(String(csv.body), { columns: true }) as Record<string, string>[];
    expect(rows[0]!.organization!.startsWith("'=")).toBe(true);
  });
});
