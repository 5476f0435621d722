import type { Kysely, Transaction } from 'kysely';
import type { ConsentHistoryEntry, ConsentSource, Preferences } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { chunks } from '../store/batches.js';
import { deleteOlderThan } from '../store/append-only.js';
import type { Categories } from './categories.js';
import type { Dialect } from '../store/db.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a consent change came from: the source, and for a web request its truncated address and agent. */
export interface ChangeOrigin {
  source: ConsentSource;
  at: string;
  ip?: string | null;
  userAgent?: string | null;
}

const bit = (value: boolean) => (value ? 1 : 0);

/** Consent lives in one row per contact and category; every change appends a history row. */
export class ConsentRecords {
  constructor(
    private readonly categories: Categories,
    private readonly dialect: Dialect,
  ) {}

  /** Current preferences; a category with no row yet (added after the contact) reads as its default. */
  async preferencesOf(db: Db, contactIds: string[], options: { lock?: boolean } = {}): Promise<Map<string, Preferences>> {
    const result = new Map<string, Preferences>(contactIds.map((id) => [id, this.defaults()]));
    for (const ids of chunks(contactIds, 500)) {
      if (!ids.length) continue;
      let query = db.selectFrom('consents').select(['contact_id', 'category', 'subscribed']).where('contact_id', 'in', ids);
      // PostgreSQL: serialize concurrent changes of one contact so each history row has the true old value.
      // SQLite: a transaction already holds the only connection.
      if (options.lock && this.dialect === 'postgres') query = query.forUpdate();
      const rows = await query.execute();
      for (const row of rows) {
        const category = this.categories.get(row.category);
        if (!category) continue;
        result.get(row.contact_id)![row.category] = category.required || row.subscribed === 1;
      }
    }
    return result;
  }

  defaults(): Preferences {
    return Object.fromEntries(this.categories.list.map((c) => [c.key, c.subscribedByDefault]));
  }

  /** The starting consent of new contacts, recorded as history too (`default`, or `import`). */
  async initialize(trx: Transaction<Database>, contactIds: string[], origin: ChangeOrigin): Promise<void> {
    const defaults = this.categories.list.map((c) => ({ category: c.key, subscribed: bit(c.subscribedByDefault) }));
    const rows = contactIds.flatMap((contactId) => defaults.map((d) => ({ contact_id: contactId, ...d })));
    for (const batch of chunks(rows, 1000)) {
      await trx
        .insertInto('consents')
        .values(batch.map((r) => ({ ...r, updated_at: origin.at })))
        .execute();
      await trx
        .insertInto('consent_history')
        .values(batch.map((r) => ({ ...this.historyRow(r.contact_id, r.category, null, r.subscribed, origin) })))
        .execute();
    }
  }

  /**
   * Applies the changes that differ from the current state and records each in the history.
   * Returns the categories that actually changed. The caller validates keys and required ones.
   */
  async change(trx: Transaction<Database>, contactId: string, wanted: Preferences, origin: ChangeOrigin): Promise<string[]> {
    const current = (await this.preferencesOf(trx, [contactId], { lock: true })).get(contactId)!;
    const changed = Object.keys(wanted).filter((category) => current[category] !== wanted[category]);
    for (const category of changed) {
      const subscribed = bit(wanted[category]!);
      await trx
        .insertInto('consents')
        .values({ contact_id: contactId, category, subscribed, updated_at: origin.at })
        .onConflict((oc) => oc.columns(['contact_id', 'category']).doUpdateSet({ subscribed, updated_at: origin.at }))
        .execute();
    }
    if (changed.length) {
      await trx
        .insertInto('consent_history')
        .values(changed.map((c) => this.historyRow(contactId, c, bit(current[c]!), bit(wanted[c]!), origin)))
        .execute();
    }
    return changed;
  }

  /** Retention: history older than `before` (proof of consent is kept for years, then no longer). */
  static expireHistory(trx: Transaction<Database>, before: string): Promise<number> {
    return deleteOlderThan(trx, 'consent_history', before);
  }

  /** The contact's current consent goes (an erasure); its history stays, as proof. */
  async forget(trx: Transaction<Database>, contactId: string): Promise<void> {
    await trx.deleteFrom('consents').where('contact_id', '=', contactId).execute();
  }

  async history(db: Db, contactId: string): Promise<ConsentHistoryEntry[]> {
    const rows = await db
      .selectFrom('consent_history')
      .select(['category', 'new_value', 'source', 'at'])
      .where('contact_id', '=', contactId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ category: r.category, subscribed: r.new_value === 1, source: r.source as ConsentSource, at: r.at }));
  }

  /** The full history with the origin of each change, for an export. */
  async fullHistory(db: Db, contactId: string) {
    const rows = await db.selectFrom('consent_history').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
    return rows.map((r) => ({
      category: r.category,
      previous: r.old_value === null ? null : r.old_value === 1,
      subscribed: r.new_value === 1,
      source: r.source as ConsentSource,
      at: r.at,
      ip: r.ip,
      userAgent: r.user_agent,
    }));
  }

  private historyRow(contactId: string, category: string, oldValue: number | null, newValue: number, origin: ChangeOrigin) {
    return {
      contact_id: contactId,
      category,
      old_value: oldValue,
      new_value: newValue,
      source: origin.source,
      at: origin.at,
      ip: origin.ip ?? null,
      user_agent: origin.userAgent ? origin.userAgent.slice(0, 256) : null,
    };
  }
}
