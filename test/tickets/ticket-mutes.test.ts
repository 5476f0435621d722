import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linksIn } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { postForm } from '../support/pages.js';

const update = (ticketId: string, over: Record<string, unknown> = {}) => ({ ticketId, subject: `Ticket ${ticketId}`, status: 'In progress', message: 'Working on it.', ...over });

describe.each(STORES)('muting one ticket on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback' } });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique Mute', locale: 'fr' })).body.id;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const contact = async (email: string, locale: 'en' | 'fr' = 'en') => (await server.api.post('/api/v1/contacts', { organizationId, email, locale })).body as { id: string; email: string };
  const send = async (contactId: string, data: Record<string, unknown>) => {
    const res = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId }, data });
    expect(res.status).toBe(202);
    return eventually(() => server.api.get(`/api/v1/messages/${res.body.id}`).then((r) => r.body), (m) => ['sent', 'failed', 'suppressed'].includes(m.status));
  };
  const muteLinkIn = async (email: string, n: number) => {
    const mail = (await eventually(async () => smtp.to(email), (m) => m.length >= n))[n - 1]!;
    const link = linksIn(mail).find((l) => l.startsWith(`${server.url}/t/`));
    expect(link, 'the ticket update offers to stop its updates').toBeDefined();
    return { mail, link: link! };
  };

  it('when a person stops updates about a ticket, then its updates are held back while the category stays on, other tickets still come, and a reopen lifts the mute', async () => {
    const ana = await contact('ana@mute.example');
    expect((await send(ana.id, update('T-1'))).status).toBe('sent');
    const { mail, link } = await muteLinkIn(ana.email, 1);
    expect(mail.parsed.text).toContain('Stop updates about this ticket');

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop updates about ticket T-1?');
    expect(await server.services.ticketMutes.list(ana.id)).toEqual([]);

    const muted = await postForm(link, { action: 'mute' });
    expect(muted.status).toBe(200);
    expect(muted.text).toContain('You will not receive updates about ticket T-1 any more.');
    expect(await send(ana.id, update('T-1'))).toMatchObject({ status: 'suppressed', lastError: 'The contact muted updates about this ticket.' });
    expect((await send(ana.id, update('T-2'))).status).toBe('sent');
    expect((await server.api.get(`/api/v1/contacts/${ana.id}`)).body.preferences['ticket-updates']).toBe(true);

    expect((await send(ana.id, update('T-1', { status: 'Reopened' }))).status).toBe('sent');
    expect((await send(ana.id, update('T-1'))).status).toBe('sent');

    // Muted again, then reopened by date: an update reopened after the mute lifts it.
    await postForm(link, { action: 'mute' });
    expect((await send(ana.id, update('T-1', { reopenedAt: '2020-01-01T00:00:00Z' }))).status).toBe('suppressed');
    expect((await send(ana.id, update('T-1', { reopenedAt: new Date(Date.now() + 1000).toISOString() }))).status).toBe('sent');
  });

  it('when a colleague mutes a ticket, then the person who opened it still gets its updates; the extension lists a person’s muted tickets and unmutes them', async () => {
    const requester = await contact('requester@mute.example', 'fr');
    const colleague = await contact('colleague@mute.example');
    await send(colleague.id, update('T-9', { requesterContactId: requester.id }));
    const { link } = await muteLinkIn(colleague.email, 1);
    expect((await postForm(link, { action: 'mute' })).status).toBe(200);
    expect((await send(requester.id, update('T-9', { requesterContactId: requester.id }))).status).toBe('sent');
    const frMail = (await eventually(async () => smtp.to(requester.email), (m) => m.length >= 1))[0]!;
    expect(frMail.parsed.text).toContain('Ne plus recevoir de mises à jour sur cette demande');
    expect((await send(colleague.id, update('T-9', { requesterContactId: requester.id }))).status).toBe('suppressed');

    const extension = new SelfServiceClient(server);
    await signInByMail(extension, smtp, colleague.email);
    const listed = await extension.request('GET', '/api/v1/me/muted-tickets');
    expect(listed.body).toEqual([{ ticketId: 'T-9', mutedAt: expect.any(String) }]);
    expect((await extension.request('DELETE', '/api/v1/me/muted-tickets/T-9')).status).toBe(204);
    expect((await extension.request('DELETE', '/api/v1/me/muted-tickets/T-9')).status).toBe(404);
    expect((await send(colleague.id, update('T-9'))).status).toBe('sent');

    // The undo on the page works too, and a link names one ticket of one contact only.
    await postForm(link, { action: 'mute' });
    const undone = await postForm(link, { action: 'unmute' });
    expect(undone.text).toContain('Updates about ticket T-9 are back on.');
    expect(await server.services.ticketMutes.list(colleague.id)).toEqual([]);
    expect(await server.services.ticketMutes.list(requester.id)).toEqual([]);
  });
});
