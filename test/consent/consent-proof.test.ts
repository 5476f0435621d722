import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMonths } from '../../server/consent/basis.js';
import { TestClock } from '../support/clock.js';
import { eventually, linksIn, listUnsubscribeUrl } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { postForm } from '../support/pages.js';

const DAY = 86_400_000;
const IMPLIED = ['security-advisories', 'service-alerts'];

const invoice = { invoiceNumber: 'INV-2026-0042', amount: '1250.00', currency: 'CAD', issuedAt: '2026-11-01' };
const ticket = { ticketId: 'T-77', subject: 'VPN drops every hour', status: 'In progress', message: 'We replaced the firewall rule.' };
const advisory = { title: 'Patch the VPN', severity: 'high', summary: 'Update the firmware.', body: 'Update the **firmware** today.' };

describe.each(STORES)('proof of consent on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  const clock = new TestClock();

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, clock, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });
  beforeEach(() => clock.reset());

  const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const organization = async (name: string, locale: 'en' | 'fr', lastPurchaseAt?: string) => {
    const res = await server.api.post('/api/v1/organizations', { name, locale, ...(lastPurchaseAt ? { lastPurchaseAt } : {}) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const contact = async (organizationId: string, email: string, locale?: 'en' | 'fr') => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email, name: 'Marie Roy', ...(locale ? { locale } : {}) });
    expect(res.status).toBe(201);
    return res.body as { id: string; email: string };
  };
  const evidence = async (id: string) => {
    const res = await server.api.get(`/api/v1/contacts/${id}/evidence`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const category = (pack: { categories: { key: string }[] }, key: string) => pack.categories.find((c) => c.key === key) as Record<string, unknown>;
  const history = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body as Record<string, unknown>[];
  const send = async (categoryKey: string, template: string, contactId: string, data: Record<string, unknown>) => {
    const res = await server.api.post('/api/v1/messages', { category: categoryKey, template, to: { contactId }, data });
    expect(res.status).toBe(202);
    return eventually(
      () => server.api.get(`/api/v1/messages/${res.body.id}`).then((r) => r.body),
      (m) => ['sent', 'failed', 'suppressed'].includes(m.status),
    );
  };
  const nthMail = async (address: string, n: number) => (await eventually(async () => smtp.to(address), (list) => list.length >= n))[n - 1]!;
  const confirmLink = (mail: ReceivedMail) => {
    const link = linksIn(mail).find((l) => l.startsWith(`${server.url}/c/`));
    expect(link, 'the email has a confirm button').toBeDefined();
    return link!;
  };
  const getPage = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  };
  const runDaily = () => server.services.impliedConsent.runDaily();

  it('when an invoice receipt is sent, then the organization’s implied consent runs 2 years from it; a ticket update renews its contact’s for 6 months', async () => {
    const lastPurchaseAt = daysAgo(700);
    const roy = await organization('Dentistes Roy', 'fr', lastPurchaseAt);
    const ana = await contact(roy, 'ana@roy.example');
    const ben = await contact(roy, 'ben@roy.example');

    let pack = await evidence(ana.id);
    expect(pack.organization).toEqual({ id: roy, name: 'Dentistes Roy', lastPurchaseAt });
    for (const key of IMPLIED) {
      expect(category(pack, key)).toMatchObject({ subscribed: true, basis: 'implied-relationship', basisSince: lastPurchaseAt, expiresAt: addMonths(lastPurchaseAt, 24), renewedAt: null });
    }
    for (const key of ['invoices', 'ticket-updates']) expect(category(pack, key)).toMatchObject({ subscribed: true, basis: 'exempt', expiresAt: null });
    expect(category(pack, 'marketing')).toMatchObject({ subscribed: false, basis: 'express', expiresAt: null });

    expect((await send('invoices', 'invoice-receipt', ana.id, invoice)).status).toBe('sent');
    pack = await evidence(ben.id);
    const purchase = pack.organization.lastPurchaseAt as string;
    expect(purchase > lastPurchaseAt).toBe(true);
    for (const id of [ana.id, ben.id]) {
      const renewed = await evidence(id);
      for (const key of IMPLIED) expect(category(renewed, key)).toMatchObject({ expiresAt: addMonths(purchase, 24), renewedAt: purchase, renewedBy: 'purchase' });
    }

    const gagnon = await organization('Gagnon inc.', 'en', lastPurchaseAt);
    const cy = await contact(gagnon, 'cy@gagnon.example');
    const dee = await contact(gagnon, 'dee@gagnon.example');
    expect((await send('ticket-updates', 'ticket-update', cy.id, ticket)).status).toBe('sent');
    const inquiry = category(await evidence(cy.id), 'security-advisories');
    expect(inquiry).toMatchObject({ basis: 'implied-relationship', renewedBy: 'inquiry', expiresAt: addMonths(inquiry.renewedAt as string, 6) });
    expect(category(await evidence(dee.id), 'security-advisories')).toMatchObject({ expiresAt: addMonths(lastPurchaseAt, 24), renewedAt: null });
    expect((await evidence(cy.id)).organization.lastPurchaseAt).toBe(lastPurchaseAt);
  });

  it('when two years pass without a purchase, then a reconfirmation goes 30 days ahead in each language, implied consent lapses, later mail is suppressed with the reason, and the button records express consent', async () => {
    const clinic = await organization('Clinique Tremblay', 'en');
    const marie = await contact(clinic, 'marie@clinique.example', 'fr');
    const sam = await contact(clinic, 'sam@clinique.example', 'en');
    const lapsesAt = category(await evidence(marie.id), 'security-advisories').expiresAt as string;
    expect(lapsesAt).toBe(addMonths((await evidence(marie.id)).organization.lastPurchaseAt, 24));

    clock.setTo(Date.parse(lapsesAt) - 31 * DAY);
    await runDaily();
    expect((await evidence(marie.id)).requests).toEqual([]);

    clock.setTo(Date.parse(lapsesAt) - 29 * DAY);
    await runDaily();
    await runDaily();
    const frMail = await nthMail(marie.email, 1);
    expect(frMail.parsed.subject).toBe('Voulez-vous toujours recevoir les courriels de SERVEITPRO?');
    expect(frMail.parsed.text).toContain('recevoir les courriels «\u00a0Avis de sécurité\u00a0» et «\u00a0Alertes de service\u00a0» de SERVEITPRO prend fin le');
    const enMail = await nthMail(sam.email, 1);
    expect(enMail.parsed.subject).toBe('Do you still want emails from SERVEITPRO?');
    expect(enMail.parsed.text).toContain('your implied consent to receive “Security advisories” and “Service alerts” from SERVEITPRO ends on');
    const asked = (await evidence(marie.id)).requests;
    expect(asked).toEqual([expect.objectContaining({ kind: 'reconfirmation', categories: IMPLIED, requestedVia: 'expiry', wordingVersion: 'reconfirmation-email@1', lapsesAt, confirmedAt: null })]);

    // Opening the button's page changes nothing; its form does, once.
    const link = confirmLink(frMail);
    const before = await history(marie.id);
    const shown = await getPage(link);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Oui, continuez de me les envoyer');
    expect(shown.text).toContain('prend fin le');
    expect(shown.text).not.toContain('<script');
    expect(await history(marie.id)).toEqual(before);
    const confirmed = await postForm(link, { action: 'confirm', lang: 'fr' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Votre abonnement est confirmé\u00a0: «\u00a0Avis de sécurité\u00a0» et «\u00a0Alertes de service\u00a0».');
    const after = await history(marie.id);
    expect(after.slice(before.length)).toEqual(
      IMPLIED.map((key) => ({
        category: key,
        subscribed: true,
        source: 'reconfirmation',
        at: expect.any(String),
        basis: 'express',
        basisSince: null,
        wordingVersion: 'reconfirmation-email@1',
        wordingLocale: 'fr',
      })),
    );
    const again = await postForm(link, { action: 'confirm', lang: 'fr' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('C’est déjà confirmé');
    expect(await history(marie.id)).toHaveLength(after.length);

    // The day after the lapse: Sam's implied consent is gone, Marie's express consent stays.
    clock.setTo(Date.parse(lapsesAt) + DAY);
    await runDaily();
    const lapsed = (await history(sam.id)).filter((row) => row.source === 'expiry');
    expect(lapsed).toEqual(
      IMPLIED.map((key) => ({ category: key, subscribed: false, source: 'expiry', at: expect.any(String), basis: 'implied-relationship', basisSince: expect.any(String), wordingVersion: null, wordingLocale: null })),
    );
    expect(category(await evidence(sam.id), 'security-advisories')).toMatchObject({ subscribed: false, lapsedAt: lapsed[0]!.at, expiresAt: null });
    expect(category(await evidence(marie.id), 'security-advisories')).toMatchObject({ subscribed: true, basis: 'express', expiresAt: null });
    const suppressed = await send('security-advisories', 'security-advisory', sam.id, advisory);
    expect(suppressed).toMatchObject({ status: 'suppressed', lastError: `Implied consent lapsed on ${(lapsed[0]!.at as string).slice(0, 10)} (CASL s. 10(10)) and was not confirmed since.` });
    expect((await send('security-advisories', 'security-advisory', marie.id, advisory)).status).toBe('sent');

    // Sam's button still works after the lapse: it turns the categories back on, as express consent.
    expect((await postForm(confirmLink(enMail), { action: 'confirm', lang: 'en' })).status).toBe(200);
    expect(category(await evidence(sam.id), 'service-alerts')).toMatchObject({ subscribed: true, basis: 'express', lapsedAt: null });

    // Ten years on, express consent has not lapsed.
    clock.setTo(Date.parse(lapsesAt) + 3650 * DAY);
    await runDaily();
    for (const id of [marie.id, sam.id]) for (const key of IMPLIED) expect(category(await evidence(id), key)).toMatchObject({ subscribed: true });
  });

  it('when an admin asks for a confirmed subscription, then the category stays off until the person confirms from the email, and confirming twice changes nothing more', async () => {
    const org = await organization('Cabinet Roy', 'en');
    const lea = await contact(org, 'lea@cabinet.example');
    const asked = await server.api.put(`/api/v1/contacts/${lea.id}/preferences`, { marketing: { subscribed: true, confirm: true } });
    expect(asked.status).toBe(200);
    expect(asked.body.preferences.marketing).toBe(false);
    // The audit entry is written as the answer finishes.
    const details = await eventually(
      async () =>
        (await server.api.get('/api/v1/audit-log?limit=200')).body.items
          .filter((e: { target: string | null }) => e.target?.includes(lea.id))
          .map((e: { detail: string | null }) => e.detail) as (string | null)[],
      (list) => list.includes('double opt-in emailed for marketing'),
    );
    expect(details).toContain('double opt-in emailed for marketing');
    const mail = await nthMail(lea.email, 1);
    expect(mail.parsed.subject).toBe('Confirm your subscription to SERVEITPRO');
    expect(mail.parsed.text).toContain('Someone asked to receive “News and offers” from SERVEITPRO at this address.');
    const link = confirmLink(mail);
    expect((await getPage(link)).text).toContain('Yes, subscribe me');
    expect((await server.api.get(`/api/v1/contacts/${lea.id}`)).body.preferences.marketing).toBe(false);

    const done = await postForm(link, { action: 'confirm' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('You are subscribed to “News and offers”.');
    expect((await server.api.get(`/api/v1/contacts/${lea.id}`)).body.preferences.marketing).toBe(true);
    const rows = await history(lea.id);
    expect(rows.at(-1)).toEqual({
      category: 'marketing',
      subscribed: true,
      source: 'double-opt-in',
      at: expect.any(String),
      basis: 'express',
      basisSince: null,
      wordingVersion: 'double-opt-in-email@1',
      wordingLocale: 'en',
    });
    expect((await postForm(link, { action: 'confirm' })).text).toContain('This is already confirmed');
    expect(await history(lea.id)).toHaveLength(rows.length);
    expect((await evidence(lea.id)).requests).toEqual([expect.objectContaining({ kind: 'double-opt-in', categories: ['marketing'], requestedVia: 'admin', confirmedAt: rows.at(-1)!.at })]);
  });

  it('when a confirmation link is used after 7 days, or after its contact was erased, then nothing changes', async () => {
    const org = await organization('Boulangerie Côté', 'fr');
    const late = await contact(org, 'late@cote.example');
    await server.api.put(`/api/v1/contacts/${late.id}/preferences`, { marketing: { subscribed: true, confirm: true } });
    const lateLink = confirmLink(await nthMail(late.email, 1));
    clock.setTo(Date.now() + 8 * DAY);
    const expiredPage = await getPage(lateLink);
    expect(expiredPage.status).toBe(410);
    expect(expiredPage.text).toContain('Ce lien de confirmation a expiré');
    const expired = await postForm(lateLink, { action: 'confirm' });
    expect(expired.status).toBe(410);
    expect((await server.api.get(`/api/v1/contacts/${late.id}`)).body.preferences.marketing).toBe(false);
    clock.reset();

    const gone = await contact(org, 'gone@cote.example');
    await server.api.put(`/api/v1/contacts/${gone.id}/preferences`, { marketing: { subscribed: true, confirm: true } });
    const goneLink = confirmLink(await nthMail(gone.email, 1));
    expect((await server.api.delete(`/api/v1/contacts/${gone.id}`)).status).toBe(200);
    const afterErasure = await postForm(goneLink, { action: 'confirm' });
    expect(afterErasure.status).toBe(410);
    expect((await server.api.get(`/api/v1/contacts/${gone.id}`)).status).toBe(404);
    expect((await evidence(gone.id)).categories).toEqual([]);
  });

  it('when the public subscribe form is sent, then a known address gets a confirmation and an unknown one gets the same page and nothing', async () => {
    const org = await organization('Garage Lavoie', 'fr');
    const known = await contact(org, 'known@lavoie.example', 'fr');
    const form = await getPage(`${server.url}/subscribe?lang=fr`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Nouvelles et offres');
    expect(form.text).toContain('Entrez votre adresse courriel professionnelle pour recevoir les courriels «\u00a0Nouvelles et offres\u00a0» de SERVEITPRO.');
    expect(form.text).toContain('name="wording" value="subscribe-form@1"');

    const answer = (email: string) => postForm(`${server.url}/subscribe`, { email, category: 'marketing', lang: 'fr', wording: 'subscribe-form@1' });
    const forKnown = await answer(known.email);
    const forUnknown = await answer('nobody@lavoie.example');
    expect(forKnown.status).toBe(200);
    expect(forUnknown.text).toBe(forKnown.text);
    expect((await nthMail(known.email, 1)).parsed.subject).toBe('Confirmez votre abonnement aux courriels de SERVEITPRO');
    await server.services.selfService.idle();
    expect(smtp.to('nobody@lavoie.example')).toEqual([]);
    expect((await evidence(known.id)).requests).toEqual([expect.objectContaining({ requestedVia: 'subscribe-form', requestWording: 'subscribe-form@1' })]);

    const notExpressOnly = await postForm(`${server.url}/subscribe`, { email: known.email, category: 'invoices', lang: 'fr' });
    expect(notExpressOnly.status).toBe(400);
    expect(notExpressOnly.text).toContain('Choisissez au moins un type de courriel.');
  });

  it('when an admin sets a basis, then it is checked: express-only stays express, a start in the future or already run out is refused, confirm needs subscribed', async () => {
    // The last purchase is 3 years old: only the basis given keeps implied consent alive.
    const org = await organization('Pharmacie Nadeau', 'en', daysAgo(3 * 365));
    const ned = await contact(org, 'ned@nadeau.example');
    const put = (body: unknown) => server.api.put(`/api/v1/contacts/${ned.id}/preferences`, body);
    const refusals = [
      { marketing: { subscribed: true, basis: 'implied-relationship' } },
      { 'service-alerts': { subscribed: true, basis: 'implied-inquiry', since: daysAgo(200) } },
      { 'service-alerts': { subscribed: true, basis: 'implied-inquiry', since: new Date(Date.now() + 5 * DAY).toISOString() } },
      { 'service-alerts': { subscribed: true, basis: 'exempt', since: daysAgo(10) } },
      { invoices: { subscribed: false, confirm: true } },
      { invoices: { subscribed: true, basis: 'sometimes' } },
    ];
    const before = await history(ned.id);
    for (const body of refusals) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expect(await history(ned.id)).toEqual(before);

    const since = daysAgo(30);
    const set = await put({ 'service-alerts': { subscribed: true, basis: 'implied-inquiry', since }, 'ticket-updates': { subscribed: true, basis: 'b2b' } });
    expect(set.status).toBe(200);
    expect((await history(ned.id)).slice(before.length)).toEqual([
      { category: 'service-alerts', subscribed: true, source: 'admin', at: expect.any(String), basis: 'implied-inquiry', basisSince: new Date(since).toISOString(), wordingVersion: null, wordingLocale: null },
      { category: 'ticket-updates', subscribed: true, source: 'admin', at: expect.any(String), basis: 'b2b', basisSince: null, wordingVersion: null, wordingLocale: null },
    ]);
    expect(category(await evidence(ned.id), 'service-alerts')).toMatchObject({ basis: 'implied-inquiry', expiresAt: addMonths(new Date(since).toISOString(), 6) });

    // A purchase less than 2 years old keeps implied consent alive longer than the inquiry would.
    const recent = await contact(await organization('Pharmacie Nadeau (Lévis)', 'en'), 'ned@levis.example');
    const recentSince = daysAgo(200);
    const recentSet = await server.api.put(`/api/v1/contacts/${recent.id}/preferences`, { 'service-alerts': { subscribed: true, basis: 'implied-inquiry', since: recentSince } });
    expect(recentSet.status).toBe(200);
    const recentPack = await evidence(recent.id);
    expect(category(recentPack, 'service-alerts')).toMatchObject({ basis: 'implied-inquiry', basisSince: recentSince, expiresAt: addMonths(recentPack.organization.lastPurchaseAt, 24) });
  });

  it('when a contact lives a full life (import, mail, one-click, resubscribe in the extension, lapse), then its evidence pack answers on what basis each email went, what was seen, and when the opt-out took effect', async () => {
    const org = await organization('Notaires Bélanger', 'fr', daysAgo(3 * 365));
    const inquirySince = daysAgo(60).slice(0, 10);
    const csv = `email,name,locale,organizationId,marketing,security-advisories\nlou@belanger.example,Lou Bélanger,fr,${org},off,implied-inquiry:${inquirySince}\n`;
    const imported = await server.api.request('POST', '/api/v1/contacts/import', { body: csv, contentType: 'text/csv' });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 1, rejected: 0, ignoredColumns: [] });
    const lou = (await server.api.get('/api/v1/contacts?email=lou@belanger.example')).body.items[0] as { id: string; email: string };

    expect((await send('ticket-updates', 'ticket-update', lou.id, ticket)).status).toBe('sent');
    const mail = await nthMail(lou.email, 1);
    expect((await postForm(listUnsubscribeUrl(mail), { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);

    const extension = new SelfServiceClient(server);
    await signInByMail(extension, smtp, lou.email);
    expect((await extension.setPreferences({ 'ticket-updates': true }, { wording: 'extension@1', locale: 'fr' })).status).toBe(200);

    // The ticket update was an inquiry: it renewed the imported one for 6 months from when it went.
    const renewed = category(await evidence(lou.id), 'security-advisories');
    expect(renewed).toMatchObject({ renewedBy: 'inquiry', expiresAt: addMonths(renewed.renewedAt as string, 6) });
    expect(renewed.expiresAt! > addMonths(new Date(inquirySince).toISOString(), 6)).toBe(true);
    clock.setTo(Date.parse(renewed.expiresAt as string) + DAY);
    await runDaily();

    const pack = await evidence(lou.id);
    expect(pack.contact).toMatchObject({ id: lou.id, email: lou.email, locale: 'fr', erasedAt: null });
    expect(category(pack, 'ticket-updates')).toMatchObject({ subscribed: true, basis: 'express', expiresAt: null });
    expect(category(pack, 'security-advisories')).toMatchObject({ subscribed: false, basis: 'implied-inquiry', basisSince: new Date(inquirySince).toISOString(), lapsedAt: expect.any(String) });
    expect(category(pack, 'marketing')).toMatchObject({ subscribed: false, basis: 'express' });

    const changes = pack.history.filter((row: { source: string; previous: boolean | null }) => row.source !== 'import' || row.previous !== null);
    expect(changes.map((row: Record<string, unknown>) => [row.category, row.source, row.subscribed, row.basis, row.wordingVersion, row.wordingLocale])).toEqual([
      ['security-advisories', 'import', true, 'implied-inquiry', null, null],
      ['ticket-updates', 'one-click', false, 'exempt', null, null],
      ['ticket-updates', 'extension', true, 'express', 'extension@1', 'fr'],
      ['security-advisories', 'expiry', false, 'implied-inquiry', null, null],
      ['service-alerts', 'expiry', false, 'implied-relationship', null, null],
    ]);
    expect(pack.wordings['extension@1']).toEqual({ surface: 'extension', texts: expect.objectContaining({ fr: expect.stringContaining('consentement exprès') }) });

    const oneClick = changes[1];
    const ticketMessage = pack.messages.find((m: { template: string }) => m.template === 'ticket-update');
    expect(ticketMessage).toMatchObject({
      category: 'ticket-updates',
      status: 'sent',
      basis: 'exempt',
      carried: { from: server.config.mailFrom, postalAddress: server.config.brand.postalAddress, unsubscribe: 'one-click-and-footer', linksValidDays: server.config.linkTtlDays },
      unsubscribed: { at: oneClick.at, source: 'one-click' },
    });
    const code = pack.messages.find((m: { template: string }) => m.template === 'sign-in-code');
    expect(code).toMatchObject({ category: null, basis: null, carried: { unsubscribe: 'preferences-link' }, unsubscribed: null });

    const html = await server.api.request('GET', `/api/v1/contacts/${lou.id}/evidence.html?lang=fr`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'/);
    const page = html.body as string;
    expect(page).not.toMatch(/<script|<link|src=/i);
    for (const fact of [
      'Preuve de consentement',
      'Lou Bélanger',
      'Désabonnement en un clic depuis le logiciel de courriel (RFC 8058)',
      'Exempté : message transactionnel (LCAP art. 6(6))',
      'extension@1 (fr)',
      'Échu : le consentement tacite a pris fin',
      server.config.brand.postalAddress,
      `en un clic (List-Unsubscribe) et lien au bas, valide ${server.config.linkTtlDays} jours après l’envoi`,
    ]) {
      expect(page, fact).toContain(fact.replace(/&/g, '&amp;'));
    }
    const english = (await server.api.request('GET', `/api/v1/contacts/${lou.id}/evidence.html`)).body as string;
    expect(english).toContain('One-click unsubscribe from the mail client (RFC 8058)');
    expect(english).toContain('Implied consent: an inquiry within 6 months (CASL s. 10(9)(a), 10(10)(d))');

    const whole = await server.api.get(`/api/v1/organizations/${org}/evidence`);
    expect(whole.status).toBe(200);
    expect(whole.body.contacts.map((c: { contact: { id: string } }) => c.contact.id)).toEqual([lou.id]);
    expect((await server.api.request('GET', `/api/v1/organizations/${org}/evidence.html`)).status).toBe(200);

    // After erasure the proof stays, without the person.
    expect((await server.api.delete(`/api/v1/contacts/${lou.id}`)).status).toBe(200);
    const erased = await evidence(lou.id);
    expect(erased.contact).toMatchObject({ id: lou.id, email: null, name: null, erasedAt: expect.any(String) });
    expect(erased.history).toHaveLength(pack.history.length);
    expect(erased.messages.find((m: { template: string }) => m.template === 'ticket-update')).toMatchObject({ basis: 'exempt', unsubscribed: { at: oneClick.at } });
    expect(JSON.stringify(erased)).not.toContain('belanger.example');
  });

  it('when the evidence and the wordings are asked for, then support may read them, a sender key may not, and an unknown one is 404', async () => {
    const wording = await server.api.get('/api/v1/consent-wordings/double-opt-in-email@1');
    expect(wording.status).toBe(200);
    expect(wording.body).toEqual({ version: 'double-opt-in-email@1', surface: 'double-opt-in-email', texts: { en: expect.stringContaining('Confirm below'), fr: expect.stringContaining('Confirmez ci-dessous') } });
    expect((await server.api.get('/api/v1/consent-wordings/extension@99')).status).toBe(404);
    expect((await server.api.get('/api/v1/consent-wordings')).body.map((w: { version: string }) => w.version)).toContain('reconfirmation-email@1');

    const support = (await server.api.post('/api/v1/api-keys', { name: 'helpdesk', role: 'support' })).body.key as string;
    const sender = (await server.api.post('/api/v1/api-keys', { name: 'psa', role: 'sender' })).body.key as string;
    const org = await organization('Ferme Pelletier', 'en');
    const pat = await contact(org, 'pat@pelletier.example');
    expect((await server.api.as(support).get(`/api/v1/contacts/${pat.id}/evidence`)).status).toBe(200);
    expect((await server.api.as(sender).get(`/api/v1/contacts/${pat.id}/evidence`)).status).toBe(403);
    expect((await server.api.get('/api/v1/contacts/00000000-0000-4000-8000-000000000000/evidence')).status).toBe(404);
    expect((await server.api.get('/api/v1/organizations/00000000-0000-4000-8000-000000000000/evidence')).status).toBe(404);
  });
});
