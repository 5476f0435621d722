import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRequiredCategory } from '../support/categories.js';
import { STORES } from '../support/stores.js';
import { startServer, seedContact, type TestServer } from '../support/server.js';

const categories = withRequiredCategory();

describe.each(STORES)('consent and its history on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind, { categories });
  });
  afterAll(() => server.close());

  it('when preferences are set by an admin, then they change and the history records each change with source admin, oldest first', async () => {
    const { contact } = await seedContact(server.api, 'history@example.com');
    const res = await server.api.request('PUT', `/api/v1/contacts/${contact.id}/preferences`, {
      json: { marketing: true, invoices: false, 'ticket-updates': true },
      headers: { 'user-agent': 'PSA-Integration/2.1', 'x-forwarded-for': '203.0.113.77' },
    });
    expect(res.status).toBe(200);
    expect(res.body.preferences).toMatchObject({ marketing: true, invoices: false, 'ticket-updates': true, 'account-notices': true });

    const history = await server.api.get(`/api/v1/contacts/${contact.id}/consent-history`);
    expect(history.status).toBe(200);
    expect(history.body.slice(0, 6)).toEqual(
      categories.list.map((c) => ({
        category: c.key,
        subscribed: c.subscribedByDefault,
        source: 'default',
        at: expect.any(String),
        basis: c.basis,
        basisSince: c.basis.startsWith('implied-') ? expect.any(String) : null,
        wordingVersion: null,
        wordingLocale: null,
      })),
    );
    // Only real changes are recorded: ticket-updates was already on. An admin's boolean rests on the category's default basis.
    const unchanged = { basisSince: null, wordingVersion: null, wordingLocale: null };
    expect(history.body.slice(6)).toEqual([
      { category: 'marketing', subscribed: true, source: 'admin', at: expect.any(String), basis: 'express', ...unchanged },
      { category: 'invoices', subscribed: false, source: 'admin', at: expect.any(String), basis: 'exempt', ...unchanged },
    ]);
    const ats = history.body.map((h: { at: string }) => h.at);
    expect([...ats].sort()).toEqual(ats);

    const rows = await server.testStore.store.db
      .selectFrom('consent_history')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .where('source', '=', 'admin')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.category, r.old_value, r.new_value])).toEqual([
      ['marketing', 0, 1],
      ['invoices', 1, 0],
    ]);
    expect(rows[0]!.user_agent).toBe('PSA-Integration/2.1');
    expect(rows[0]!.ip).toBe('127.0.0.0'); // truncated to /24; X-Forwarded-For is not trusted by default
  });

  it('when a required category is turned off or a category is unknown, then 400 and nothing changes', async () => {
    const { contact } = await seedContact(server.api, 'required@example.com');
    for (const body of [{ 'account-notices': false, marketing: true }, { newsletter: true, marketing: true }, {}, { marketing: 'yes' }]) {
      const res = await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, body);
      expect(res.status).toBe(400);
    }
    const after = await server.api.get(`/api/v1/contacts/${contact.id}`);
    expect(after.body.preferences.marketing).toBe(false);
    expect((await server.api.get(`/api/v1/contacts/${contact.id}/consent-history`)).body).toHaveLength(6);
  });

  it('when the same preference is set twice, then the second is recorded as no change', async () => {
    const { contact } = await seedContact(server.api, 'twice@example.com');
    await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true });
    await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true });
    const history = (await server.api.get(`/api/v1/contacts/${contact.id}/consent-history`)).body;
    expect(history.filter((h: { source: string }) => h.source === 'admin')).toHaveLength(1);
  });

  it('when anything tries to update or delete a history row, then the store refuses', async () => {
    const { db } = server.testStore.store;
    await expect(sql`UPDATE consent_history SET new_value = 0`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM consent_history`.execute(db)).rejects.toThrow(/append-only/);
    const count = await db.selectFrom('consent_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it('when many changes of one contact race, then the history stays a true sequence', async () => {
    const { contact } = await seedContact(server.api, 'race@example.com');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: i % 2 === 0 })),
    );
    const rows = await server.testStore.store.db
      .selectFrom('consent_history')
      .select(['old_value', 'new_value'])
      .where('contact_id', '=', contact.id)
      .where('category', '=', 'marketing')
      .orderBy('id')
      .execute();
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.old_value).toBe(rows[i - 1]!.new_value);
    const final = (await server.api.get(`/api/v1/contacts/${contact.id}`)).body.preferences.marketing;
    expect(rows.at(-1)!.new_value).toBe(final ? 1 : 0);
  });
});
