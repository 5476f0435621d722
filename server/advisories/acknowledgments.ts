import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { Clock } from '../consent/clock.js';
import { inLanguage } from '../rendering/languages.js';
import { FIX_SEVERITIES, type Acknowledgment, type Locale, type MyAdvisory, type Severity } from '../../contract/index.js';
import { notFound } from '../errors.js';
import type { FanOutRow } from './fan-outs.js';
import type { EventLog } from '../events/event-log.js';

/** How far back the extension lists an organization's advisories. */
const LISTED_DAYS = 90;

/** Who acknowledged, for each action: the first person at the organization, and when. */
export type AcknowledgmentState = Partial<Record<Acknowledgment, { contactId: string | null; at: string }>>;

/** A contact's name, if they gave one (contacts/contacts.ts opens it). */
export type NamesOf = (contactIds: string[]) => Promise<Map<string, string | null>>;

/**
 * "I have read this" and "We have applied the fix", per organization: the first person to say so
 * answers for everyone there (applying implies reading), and everyone sees who and when.
 */
export class AdvisoryAcknowledgments {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly names: NamesOf,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /**
   * Records the contact's acknowledgment for its organization, unless someone there already did;
   * 404 when the advisory was not sent to the contact's organization.
   */
  async acknowledge(contactId: string, advisoryId: string, action: Acknowledgment): Promise<{ organizationId: string; advisory: FanOutRow }> {
    const { organizationId, advisory } = await this.reachable(contactId, advisoryId);
    const actions: Acknowledgment[] = action === 'applied' ? ['applied', 'read'] : ['read'];
    if (action === 'applied' && !FIX_SEVERITIES.includes(advisory.severity as Severity)) throw notFound('advisory');
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      for (const a of actions) {
        const written = await trx
          .insertInto('advisory_acknowledgments')
          .values({ fan_out_id: advisory.id, organization_id: organizationId, action: a, contact_id: contactId, at })
          .onConflict((oc) => oc.columns(['fan_out_id', 'organization_id', 'action']).doNothing())
          .executeTakeFirst();
        // Once per organization and action, as the acknowledgment itself.
        if (Number(written.numInsertedOrUpdatedRows ?? 0n) > 0) await this.events.aboutContact(trx, 'advisory.acknowledged', contactId, at, { advisoryId: advisory.external_id, action: a });
      }
    });
    return { organizationId, advisory };
  }

  /** The original of an advisory sent to the contact's organization, and that organization. */
  async reachable(contactId: string, advisoryId: string): Promise<{ organizationId: string; advisory: FanOutRow }> {
    const contact = await this.db.selectFrom('contacts').select('organization_id').where('id', '=', contactId).executeTakeFirst();
    const advisory = await this.db
      .selectFrom('fan_outs')
      .selectAll()
      .where('id', '=', advisoryId)
      .where('kind', '=', 'security-advisory')
      .where('purpose', '=', 'original')
      .executeTakeFirst();
    const organizationIds = advisory?.organization_ids ? (JSON.parse(advisory.organization_ids) as string[]) : null;
    if (!contact || !advisory || (organizationIds && !organizationIds.includes(contact.organization_id))) throw notFound('advisory');
    return { organizationId: contact.organization_id, advisory };
  }

  /** Each organization's acknowledgments of some advisories (originals' ids), by advisory then organization. */
  async states(advisoryIds: string[], organizationId?: string): Promise<Map<string, Map<string, AcknowledgmentState>>> {
    if (!advisoryIds.length) return new Map();
    let query = this.db.selectFrom('advisory_acknowledgments').selectAll().where('fan_out_id', 'in', advisoryIds);
    if (organizationId) query = query.where('organization_id', '=', organizationId);
    const byAdvisory = new Map<string, Map<string, AcknowledgmentState>>();
    for (const row of await query.execute()) {
      const byOrganization = byAdvisory.get(row.fan_out_id) ?? new Map<string, AcknowledgmentState>();
      const state = byOrganization.get(row.organization_id) ?? {};
      state[row.action] = { contactId: row.contact_id, at: row.at };
      byOrganization.set(row.organization_id, state);
      byAdvisory.set(row.fan_out_id, byOrganization);
    }
    return byAdvisory;
  }

  /** The names of who acknowledged, for showing. */
  async namesIn(states: AcknowledgmentState[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(states.flatMap((s) => Object.values(s).map((a) => a.contactId)).filter((id): id is string => id !== null))];
    return this.names(ids);
  }

  /**
   * The advisories sent to the contact's organization in the last 90 days, latest revision, in
   * the contact's language where written: those still waiting for an acknowledgment first
   * (`only`: that one advisory, however old).
   */
  async forContact(contactId: string, locale: Locale, only?: string): Promise<MyAdvisory[]> {
    const contact = await this.db.selectFrom('contacts').select('organization_id').where('id', '=', contactId).executeTakeFirst();
    if (!contact) throw notFound('contact');
    const since = new Date(this.clock.now() - LISTED_DAYS * 86_400_000).toISOString();
    let select = this.db
      .selectFrom('fan_outs')
      .selectAll()
      .where('kind', '=', 'security-advisory')
      .where('purpose', '=', 'original')
      .where((eb) => eb.or([eb('organization_ids', 'is', null), eb('organization_ids', 'like', `%"${contact.organization_id}"%`)]))
      .orderBy('created_at', 'desc')
      .limit(50);
    select = only ? select.where('id', '=', only) : select.where('created_at', '>=', since);
    const originals = await select.execute();
    if (!originals.length) return [];
    const revisions = await this.db
      .selectFrom('fan_outs')
      .selectAll()
      .where('root_id', 'in', originals.map((o) => o.id))
      .where('purpose', '<>', 'reminder')
      .execute();
    const latest = new Map<string, FanOutRow>();
    for (const r of revisions) if (Number(r.revision) >= Number(latest.get(r.root_id)?.revision ?? 0)) latest.set(r.root_id, r);
    const states = (await this.states(originals.map((o) => o.id), contact.organization_id));
    const stateOf = (id: string) => states.get(id)?.get(contact.organization_id) ?? {};
    const names = await this.namesIn(originals.map((o) => stateOf(o.id)));
    const shown = (a: { contactId: string | null; at: string } | undefined) =>
      a ? { at: a.at, by: a.contactId ? (names.get(a.contactId) ?? null) : null, byMe: a.contactId === contactId } : null;
    const items = originals.map((original): MyAdvisory => {
      const current = latest.get(original.id) ?? original;
      const content = JSON.parse(current.content) as { title: { en?: string; fr?: string }; summary: { en?: string; fr?: string } };
      const title = inLanguage(content.title, locale);
      const state = stateOf(original.id);
      return {
        id: original.external_id,
        revision: Number(current.revision),
        severity: current.severity as Severity,
        title: title.text,
        summary: inLanguage(content.summary, title.lang).text,
        language: title.lang,
        publishedAt: original.created_at,
        asksApplied: FIX_SEVERITIES.includes(current.severity as Severity),
        read: shown(state.read),
        applied: shown(state.applied),
      };
    });
    const open = (a: MyAdvisory) => a.read === null || (a.asksApplied && a.applied === null);
    return [...items.filter(open), ...items.filter((a) => !open(a))];
  }

  /** What the contact acknowledged, for its data export. */
  async ofContact(contactId: string): Promise<{ advisoryId: string; action: Acknowledgment; at: string }[]> {
    const rows = await this.db
      .selectFrom('advisory_acknowledgments as a')
      .innerJoin('fan_outs as f', 'f.id', 'a.fan_out_id')
      .select(['f.external_id', 'a.action', 'a.at'])
      .where('a.contact_id', '=', contactId)
      .orderBy('a.at')
      .execute();
    return rows.map((r) => ({ advisoryId: r.external_id, action: r.action, at: r.at }));
  }

  /** The original's id of an advisory the support team named. */
  async originalId(externalId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('fan_outs')
      .select('id')
      .where('kind', '=', 'security-advisory')
      .where('external_id', '=', externalId)
      .where('purpose', '=', 'original')
      .executeTakeFirst();
    return row?.id ?? null;
  }
}
