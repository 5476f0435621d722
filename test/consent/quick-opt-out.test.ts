import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeOrigin } from '../../server/consent/consent.js';
import { consentReceivers } from '../../server/store/migrations/016-consent-receivers.js';
import { startServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';

const oneClick: ChangeOrigin = { source: 'one-click', at: '2026-11-30T12:00:00.000Z', ip: '203.0.113.0', userAgent: 'Mail provider' };
const fromPage: ChangeOrigin = {
  source: 'unsubscribe-page',
  at: '2026-11-30T12:00:01.000Z',
  ip: '198.51.100.0',
  userAgent: 'A browser',
  wording: { version: 'unsubscribe-page-1', locale: 'fr' },
};

describe.each(STORES)('the quick opt-out (one statement for the usual unsubscribe) on %s', (kind) => {
  let server: TestServer;
  let organizationId: string;
  let serial = 0;

  beforeAll(async () => {
    server = await startServer(kind);
    organizationId = await organization('Quick Opt-Out Inc.');
    // Someone who receives every category: the colleague who still does, for each contact below.
    const colleague = await contact(organizationId);
    expect((await server.api.put(`/api/v1/contacts/${colleague}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
  });
  afterAll(() => server.close());

  const db = () => server.testStore.store.db;
  const consent = () => server.services.consent;
  async function organization(name: string): Promise<string> {
    return (await server.api.post('/api/v1/organizations', { name, locale: 'en' })).body.id;
  }
  async function contact(orgId = organizationId): Promise<string> {
    const res = await server.api.post('/api/v1/contacts', { organizationId: orgId, email: `person${(serial += 1)}@quick.example` });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const consentRow = (contactId: string, category: string) => db().selectFrom('consents').selectAll().where('contact_id', '=', contactId).where('category', '=', category).executeTakeFirstOrThrow();
  const historyOf = (contactId: string) => db().selectFrom('consent_history').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
  const fullPath = (contactId: string, category: string, origin: ChangeOrigin) => db().transaction().execute((trx) => consent().change(trx, contactId, { [category]: false }, origin));
  /** What a change wrote, without whose it is. */
  const written = async (contactId: string, category: string) => {
    const { contact_id: _c, ...row } = await consentRow(contactId, category);
    const { id: _i, contact_id: _h, ...last } = (await historyOf(contactId)).at(-1)!;
    return { row, last };
  };

  describe('when it applies, then it writes exactly what the full path writes', () => {
    const cases: { name: string; category: string; origin: ChangeOrigin; before?: Record<string, unknown>; setting?: unknown }[] = [
      { name: 'implied consent from the start (one-click)', category: 'service-alerts', origin: oneClick },
      { name: 'implied consent renewed, a reconfirmation asked', category: 'service-alerts', origin: oneClick, before: { renewed_at: '2026-06-01T00:00:00.000Z', renewed_by: 'purchase', reconfirm_sent_at: '2026-10-01T00:00:00.000Z' } },
      { name: 'critical advisories only (the unsubscribe page, with its wording)', category: 'security-advisories', origin: fromPage, setting: { subscribed: true, advisoryThreshold: 'critical' } },
      { name: 'ticket updates in a daily digest', category: 'ticket-updates', origin: oneClick, setting: { subscribed: true, ticketDelivery: 'daily' } },
      { name: 'exempt invoices', category: 'invoices', origin: fromPage },
      { name: 'express consent to marketing', category: 'marketing', origin: oneClick, setting: { subscribed: true, basis: 'express' } },
      { name: 'an implied start left empty', category: 'service-alerts', origin: oneClick, before: { basis_since: '' } },
    ];
    it.each(cases)('$name', async ({ category, origin, before, setting }) => {
      const [quick, full] = [await contact(), await contact()];
      for (const id of [quick, full]) {
        if (setting) expect((await server.api.put(`/api/v1/contacts/${id}/preferences`, { [category]: setting })).status).toBe(200);
        if (before) await db().updateTable('consents').set(before).where('contact_id', '=', id).where('category', '=', category).execute();
      }
      expect(await consent().optOutAtOnce(db(), quick, category, origin)).toBe(true);
      expect(await fullPath(full, category, origin)).toEqual([category]);
      const [q, f] = [await written(quick, category), await written(full, category)];
      expect(q).toEqual(f);
      expect(q.row.subscribed).toBe(0);
      expect(q.last).toMatchObject({ category, old_value: 1, new_value: 0, source: origin.source });
    });
  });

  it('when the category is locked, already off, the last one received, or not a person’s choice, then it writes nothing and the full path decides', async () => {
    const untouched = async (contactId: string, category: string, origin: ChangeOrigin = oneClick) => {
      const before = { row: await consentRow(contactId, category), history: (await historyOf(contactId)).length };
      expect(await consent().optOutAtOnce(db(), contactId, category, origin)).toBe(false);
      expect({ row: await consentRow(contactId, category), history: (await historyOf(contactId)).length }).toEqual(before);
    };
    // Already off: a repeat.
    const repeat = await contact();
    expect(await consent().optOutAtOnce(db(), repeat, 'invoices', oneClick)).toBe(true);
    await untouched(repeat, 'invoices');
    // Nobody's choice: the full path records these with their own rules.
    for (const source of ['expiry', 'organization-policy', 'complaint'] as const) await untouched(repeat, 'service-alerts', { ...oneClick, source });
    // The only one at the organization who receives it: the coverage guard has to see it.
    const alone = await contact(await organization('Alone Ltd.'));
    await untouched(alone, 'service-alerts');
    // Locked on by the organization.
    const lockedOrg = await organization('Locked Ltd.');
    const [locked] = [await contact(lockedOrg), await contact(lockedOrg)];
    expect((await server.api.put(`/api/v1/organizations/${lockedOrg}/policy`, { 'service-alerts': { locked: true } })).status).toBe(200);
    await untouched(locked!, 'service-alerts');
    // No row for the category (one added after the contact), an unknown category, no such contact.
    const rowless = await contact();
    await db().deleteFrom('consents').where('contact_id', '=', rowless).where('category', '=', 'marketing').execute();
    expect(await consent().optOutAtOnce(db(), rowless, 'marketing', oneClick)).toBe(false);
    expect(await consent().optOutAtOnce(db(), rowless, 'no-such-category', oneClick)).toBe(false);
    expect(await consent().optOutAtOnce(db(), '00000000-0000-4000-8000-000000000000', 'invoices', oneClick)).toBe(false);
  });

  it('when many one-clicks arrive at once, a repeat among them, then each is answered and recorded once, by its own origin', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => contact()));
    const post = (id: string, agent: string) =>
      fetch(`${server.url}/u/${server.services.tokens.link('unsubscribe', id, 'service-alerts')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': agent },
        body: 'List-Unsubscribe=One-Click',
      });
    const answers = await Promise.all([...ids.map((id) => post(id, `agent ${id}`)), post(ids[0]!, 'a repeat')]);
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
    for (const id of ids) {
      expect((await consentRow(id, 'service-alerts')).subscribed).toBe(0);
      const oneClicks = (await historyOf(id)).filter((h) => h.source === 'one-click');
      expect(oneClicks).toHaveLength(1);
      expect(oneClicks[0]).toMatchObject({ category: 'service-alerts', old_value: 1, new_value: 0 });
      expect(['a repeat', `agent ${id}`]).toContain(oneClicks[0]!.user_agent);
    }
  });

  it('when the last two receivers at an organization opt out in one batch, then the quick path never takes the last one from the coverage guard', async () => {
    const org = await organization('One Batch Ltd.');
    const pair = [await contact(org), await contact(org)];
    const quick = await Promise.all(pair.map((id) => consent().optOutAtOnce(db(), id, 'invoices', oneClick)));
    // SQLite writes a batch one opt-out after the other; a PostgreSQL statement sees none of its own changes.
    expect(quick).toEqual(kind === 'sqlite' ? [true, false] : [false, false]);
    for (const [i, id] of pair.entries()) if (!quick[i]) await server.services.contacts.changeConsent(id, { invoices: false }, oneClick);
    const losses = await db().selectFrom('coverage_losses').selectAll().where('organization_id', '=', org).execute();
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ category: 'invoices', restored_at: null });
  });

  // SQLite only: on PostgreSQL two concurrent changes under READ COMMITTED each see the other
  // still receiving, with or without the quick path (the coverage guard takes no lock).
  it.runIf(kind === 'sqlite')('when the last two receivers at an organization leave at the same moment, then the loss is recorded once', async () => {
    const org = await organization('Last Two Ltd.');
    const pair = [await contact(org), await contact(org)];
    await Promise.all(pair.map((id) => server.services.contacts.changeConsent(id, { invoices: false }, oneClick)));
    const losses = await db().selectFrom('coverage_losses').selectAll().where('organization_id', '=', org).execute();
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ category: 'invoices', restored_at: null });
  });

  it('when contacts are created, imported, or get a category added after them, then every consent row names the contact’s organization', async () => {
    const org = await organization('Rows Ltd.');
    await contact(org);
    const csv = ['email,name,locale,organizationId', `imported1@rows.example,,en,${org}`, `imported2@rows.example,,en,${org}`].join('\n');
    expect((await server.api.request('POST', '/api/v1/contacts/import', { body: csv, contentType: 'text/csv' })).body.created).toBe(2);
    const later = await contact(org);
    await db().deleteFrom('consents').where('contact_id', '=', later).where('category', '=', 'marketing').execute();
    expect((await server.api.put(`/api/v1/contacts/${later}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
    const rows = await db()
      .selectFrom('consents as cs')
      .innerJoin('contacts as c', 'c.id', 'cs.contact_id')
      .select(['cs.organization_id', 'c.organization_id as contactOrganization'])
      .execute();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.organization_id !== r.contactOrganization)).toEqual([]);
    expect(rows.filter((r) => r.contactOrganization === org)).toHaveLength(4 * 5);
  });

  it('when the migration runs on consent rows written before it, then each gets its contact’s organization and the indexes are in place', async () => {
    const org = await organization('Before 016 Ltd.');
    const before = await contact(org);
    const migration = consentReceivers(kind);
    const undo = async () => {
      await sql`DROP INDEX consents_receivers`.execute(db());
      await sql`DROP TRIGGER consents_organization${sql.raw(kind === 'postgres' ? ' ON consents' : '')}`.execute(db());
      if (kind === 'postgres') await sql`DROP FUNCTION consents_organization()`.execute(db());
      await sql`DROP INDEX consents_expiry`.execute(db());
      await sql`CREATE INDEX consents_expiry ON consents (expires_at)`.execute(db());
      await sql`ALTER TABLE consents DROP COLUMN organization_id`.execute(db());
    };
    await undo();
    await migration.up(db());
    const rows = await db().selectFrom('consents').select(['organization_id']).where('contact_id', '=', before).execute();
    expect(rows.map((r) => r.organization_id)).toEqual(rows.map(() => org));
    expect(await consent().optOutAtOnce(db(), await contact(org), 'invoices', oneClick)).toBe(true);
  });

  it('when a server still running the previous release writes a consent row without the organization, then the store fills it in', async () => {
    const org = await organization('Rolling Start Ltd.');
    const id = await contact(org);
    await db().deleteFrom('consents').where('contact_id', '=', id).where('category', '=', 'invoices').execute();
    await sql`INSERT INTO consents (contact_id, category, subscribed, updated_at, basis, chosen) VALUES (${id}, 'invoices', 1, '2026-11-30T00:00:00.000Z', 'exempt', 0)`.execute(db());
    expect((await consentRow(id, 'invoices')).organization_id).toBe(org);
    // The way the previous release upserts a change.
    await sql`INSERT INTO consents (contact_id, category, subscribed, updated_at, basis, chosen) VALUES (${id}, 'invoices', 0, '2026-11-30T00:00:01.000Z', 'exempt', 1)
      ON CONFLICT (contact_id, category) DO UPDATE SET subscribed = 0`.execute(db());
    expect(await consentRow(id, 'invoices')).toMatchObject({ organization_id: org, subscribed: 0 });
  });
});
