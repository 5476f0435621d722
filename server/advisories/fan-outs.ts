import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, FanOutsTable } from '../store/schema.js';
import type { Dialect } from '../store/db.js';
import { chunks } from '../store/batches.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nowIso } from '../store/time.js';
import type { Categories } from '../consent/categories.js';
import { audienceQuery } from '../consent/audience.js';
import { notSubscribedReason } from '../consent/basis.js';
import type { NewMessage, Outbox } from '../outbox/outbox.js';
import type { Renderer } from '../rendering/render.js';
import { byLanguage } from '../rendering/languages.js';
import {
  ADVISORY_CATEGORY,
  FIX_SEVERITIES,
  SERVICE_ALERT_CATEGORY,
  type AdvisoryAccepted,
  type AdvisoryCreate,
  type FanOutKind,
  type Locale,
  type MessageStatus,
  type ServiceAlertAccepted,
  type ServiceAlertCreate,
  type Severity,
} from '../../contract/index.js';
import { DomainError, invalid } from '../errors.js';

type Db = Kysely<Database> | Transaction<Database>;
export type FanOutRow = Selectable<FanOutsTable>;

/** Each kind's category and template (the template is named like the kind). */
const CATEGORY_OF: Record<FanOutKind, string> = { 'security-advisory': ADVISORY_CATEGORY, 'service-alert': SERVICE_ALERT_CATEGORY };

/** Messages of an original that count as received: sent, or on their way. */
export const RECEIVED = ['queued', 'sending', 'sent'] as const;

interface Recording {
  kind: FanOutKind;
  externalId: string;
  revision: number;
  severity: Severity | null;
  /** The template data every recipient shares, texts as `{en?, fr?}`. */
  content: Record<string, unknown>;
  organizationIds: string[] | null;
}

/** A fan-out's template data, and (an advisory's) what its buttons acknowledge. */
export interface FanOutMessageData {
  data: Record<string, unknown>;
  acknowledge?: { advisoryId: string; applied: boolean };
}

/**
 * Advisories and service alerts: each revision is recorded with its audience counted, in one
 * transaction, and answered at once; workers then expand the audience into messages a batch at a
 * time (`expandNext`). The first revision of an id goes to the category's subscribers; a later one
 * only to those who received the first; an escalation reminder to one organization's recipients and lead.
 */
export class FanOuts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly categories: Categories,
    private readonly outbox: Outbox,
    private readonly renderer: Renderer,
  ) {}

  private category(kind: FanOutKind) {
    const category = this.categories.get(CATEGORY_OF[kind]);
    if (!category) throw new Error(`the ${CATEGORY_OF[kind]} category is not configured`);
    return category;
  }

  /**
   * What an advisory would do if recorded now, recording nothing: who it would reach (the
   * subscribers, or for a later revision the first's recipients) and its template data.
   */
  async previewAdvisory(input: AdvisoryCreate): Promise<{ audience: { queued: number; suppressed: number }; data: Record<string, unknown> }> {
    const content = { title: byLanguage(input.title, input.language), summary: byLanguage(input.summary, input.language), body: byLanguage(input.body, input.language) };
    const data = { ...content, severity: input.severity, revision: input.revision };
    const problems = await this.renderer.problems('security-advisory', data);
    if (problems.length) {
      throw invalid('The advisory cannot be sent as it is.', problems.map((p) => ({ pointer: `#/${p.field.replaceAll('.', '/')}`, detail: `${p.field} ${p.message}` })));
    }
    const original = (await this.revisionsOf(this.db, 'security-advisory', input.id))[0];
    const organizationIds = original ? original.organization_ids : input.organizationIds ? JSON.stringify(distinct(input.organizationIds)) : null;
    if (!original && input.organizationIds) await this.checkOrganizations(distinct(input.organizationIds)!);
    const counts = await this.countAudience(this.db, {
      kind: 'security-advisory',
      purpose: original ? 'update' : 'original',
      root_id: original?.id ?? '',
      organization_ids: organizationIds,
      severity: input.severity,
    });
    return { audience: { queued: counts.subscribed, suppressed: counts.notSubscribed }, data };
  }

  /** An advisory's email in one language as a recipient sees it, every link pointing to `sampleLink` (a preview's links do nothing). */
  renderAdvisory(data: Record<string, unknown>, locale: Locale, sampleLink: string) {
    const category = this.category('security-advisory');
    const applied = FIX_SEVERITIES.includes(data.severity as Severity);
    return this.renderer.render('security-advisory', data, {
      locale,
      recipientName: null,
      categoryLabel: category.label[locale],
      links: { unsubscribe: sampleLink, preferences: sampleLink, acknowledgeRead: sampleLink, ...(applied ? { acknowledgeApplied: sampleLink } : {}) },
    });
  }

  /** `created: false` when this revision (or a later one) was recorded before: the answer is that one's. */
  async recordAdvisory(input: AdvisoryCreate): Promise<{ created: boolean; answer: AdvisoryAccepted }> {
    const language = input.language;
    const result = await this.record({
      kind: 'security-advisory',
      externalId: input.id,
      revision: input.revision,
      severity: input.severity,
      content: { title: byLanguage(input.title, language), summary: byLanguage(input.summary, language), body: byLanguage(input.body, language) },
      organizationIds: input.organizationIds ?? null,
    });
    const { externalId, ...counts } = result.answer;
    return { created: result.created, answer: { advisoryId: externalId, ...counts } };
  }

  /** The same for a service alert; a revision after `resolved` is refused (a new incident takes a new id). */
  async recordServiceAlert(input: ServiceAlertCreate): Promise<{ created: boolean; answer: ServiceAlertAccepted }> {
    const language = input.language;
    const result = await this.record({
      kind: 'service-alert',
      externalId: input.id,
      revision: input.revision,
      severity: null,
      content: {
        title: byLanguage(input.title, language),
        affected: byLanguage(input.affected, language),
        status: input.status,
        startedAt: input.startedAt,
        ...(input.expectedResolutionAt ? { expectedResolutionAt: input.expectedResolutionAt } : {}),
        ...(input.workaround ? { workaround: byLanguage(input.workaround, language) } : {}),
      },
      organizationIds: input.organizationIds ?? null,
    });
    const { externalId, ...counts } = result.answer;
    return { created: result.created, answer: { alertId: externalId, ...counts } };
  }

  private async record(input: Recording): Promise<{ created: boolean; answer: Answer }> {
    const revisions = await this.revisionsOf(this.db, input.kind, input.externalId);
    const latest = revisions.at(-1);
    // The same revision again, or an older one arriving late: nothing more is sent.
    if (latest && latest.revision >= input.revision) return { created: false, answer: answerOf(revisions.find((r) => r.revision === input.revision) ?? latest) };
    if (latest && input.kind === 'service-alert' && JSON.parse(latest.content).status === 'resolved') {
      throw new DomainError('conflict', 'alert-resolved', 'This service alert is closed.', `Service alert ${input.externalId} was resolved in revision ${latest.revision}; a new incident takes a new id.`);
    }
    const problems = await this.renderer.problems(input.kind, { ...input.content, ...(input.severity ? { severity: input.severity } : {}), revision: input.revision });
    if (problems.length) {
      throw invalid(
        `The ${input.kind === 'service-alert' ? 'service alert' : 'advisory'} cannot be sent as it is.`,
        problems.map((p) => ({ pointer: `#/${p.field.replaceAll('.', '/')}`, detail: `${p.field} ${p.message}` })),
      );
    }
    const original = revisions[0];
    const organizationIds = original ? (original.organization_ids ? (JSON.parse(original.organization_ids) as string[]) : null) : distinct(input.organizationIds);
    if (!original && organizationIds) await this.checkOrganizations(organizationIds);
    const id = crypto.randomUUID();
    const row: FanOutRow = {
      id,
      kind: input.kind,
      external_id: input.externalId,
      revision: input.revision,
      purpose: original ? 'update' : 'original',
      root_id: original?.id ?? id,
      severity: input.severity,
      content: JSON.stringify(input.content),
      organization_ids: organizationIds ? JSON.stringify(organizationIds) : null,
      status: 'expanding',
      cursor: null,
      queued: 0,
      suppressed: 0,
      created_at: nowIso(),
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        const counts = await this.countAudience(trx, row);
        await trx
          .insertInto('fan_outs')
          .values({ ...row, queued: counts.subscribed, suppressed: counts.notSubscribed })
          .execute();
        row.queued = counts.subscribed;
        row.suppressed = counts.notSubscribed;
      });
      return { created: true, answer: answerOf(row) };
    } catch (error) {
      // The same revision arriving twice at once: the other call recorded it first.
      if (!isUniqueViolation(error)) throw error;
      const first = (await this.revisionsOf(this.db, input.kind, input.externalId)).find((r) => r.revision === input.revision);
      if (!first) throw error;
      return { created: false, answer: answerOf(first) };
    }
  }

  /** An id's revisions (reminders aside), oldest first. */
  async revisionsOf(db: Db, kind: FanOutKind, externalId: string): Promise<FanOutRow[]> {
    return db
      .selectFrom('fan_outs')
      .selectAll()
      .where('kind', '=', kind)
      .where('external_id', '=', externalId)
      .where('purpose', '<>', 'reminder')
      .orderBy('revision')
      .execute();
  }

  /**
   * One organization's reminder of a critical advisory, to its contacts who received it and its
   * lead, recorded like a revision (the worker expands it); consent is checked as for any fan-out.
   */
  async recordReminder(trx: Transaction<Database>, root: FanOutRow, organizationId: string): Promise<FanOutRow> {
    const latest = (await this.revisionsOf(trx, root.kind, root.external_id)).at(-1) ?? root;
    const row: FanOutRow = {
      ...latest,
      id: crypto.randomUUID(),
      purpose: 'reminder',
      root_id: root.id,
      organization_ids: JSON.stringify([organizationId]),
      status: 'expanding',
      cursor: null,
      created_at: nowIso(),
    };
    const counts = await this.countAudience(trx, row);
    row.queued = counts.subscribed;
    row.suppressed = counts.notSubscribed;
    await trx.insertInto('fan_outs').values(row).execute();
    return row;
  }

  /** Who a fan-out goes to: the subscribers, those who received its original, or (a reminder) those and the organization's lead. */
  private audience(db: Db, fanOut: Pick<FanOutRow, 'kind' | 'purpose' | 'root_id' | 'organization_ids' | 'severity'>) {
    const organizationIds = fanOut.organization_ids ? (JSON.parse(fanOut.organization_ids) as string[]) : null;
    const audience = audienceQuery(db, this.category(fanOut.kind), organizationIds, (fanOut.severity as Severity | null) ?? undefined);
    if (fanOut.purpose === 'original') return audience;
    const received = (statuses: readonly MessageStatus[]) =>
      db.selectFrom('messages').select('contact_id').where('fan_out_id', '=', fanOut.root_id).where('status', 'in', statuses);
    const query =
      fanOut.purpose === 'update'
        ? audience.query.where('c.id', 'in', received(RECEIVED))
        : audience.query.where((eb) => eb.or([eb('c.id', 'in', received(['sent'])), eb('c.org_lead', '=', 1)]));
    return { ...audience, query };
  }

  private async countAudience(db: Db, fanOut: Pick<FanOutRow, 'kind' | 'purpose' | 'root_id' | 'organization_ids' | 'severity'>) {
    const { query, subscribed } = this.audience(db, fanOut);
    const row = await query
      .select([sql<string>`count(*)`.as('total'), sql<string>`coalesce(sum(${subscribed}), 0)`.as('subscribed')])
      .executeTakeFirstOrThrow();
    return { subscribed: Number(row.subscribed), notSubscribed: Number(row.total) - Number(row.subscribed) };
  }

  private async checkOrganizations(ids: string[]): Promise<void> {
    const found = new Set<string>();
    for (const batch of chunks(ids, 500)) {
      const rows = await this.db.selectFrom('organizations').select('id').where('id', 'in', batch).execute();
      for (const row of rows) found.add(row.id);
    }
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) {
      throw invalid(
        `Unknown organization${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).join(', ')}.`,
        unknown.slice(0, 10).map((id) => ({ pointer: `#/organizationIds/${ids.indexOf(id)}`, detail: 'No organization has this id.' })),
      );
    }
  }

  /**
   * Turns the next `batchSize` contacts of one fan-out still being expanded into messages (queued
   * for those who receive it, suppressed with the reason for the others) and moves its cursor, in
   * one transaction: a crash loses nothing and redoes nothing. An update waits until its original
   * is expanded. On PostgreSQL, SKIP LOCKED lets several workers expand different fan-outs.
   * Returns false when there was nothing to expand.
   */
  async expandNext(batchSize: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let pick = trx
        .selectFrom('fan_outs as f')
        .selectAll('f')
        .where('f.status', '=', 'expanding')
        .where((eb) =>
          eb.or([
            eb('f.purpose', '=', 'original'),
            eb.not(eb.exists(eb.selectFrom('fan_outs as r').select('r.id').whereRef('r.id', '=', 'f.root_id').where('r.status', '=', 'expanding'))),
          ]),
        )
        .orderBy('f.created_at')
        .limit(1);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const fanOut = await pick.executeTakeFirst();
      if (!fanOut) return false;

      const { query, subscribed, on } = this.audience(trx, fanOut);
      let page = query
        .select(['c.id', subscribed.as('subscribed'), on.as('on'), 'cs.lapsed_at', 'cs.advisory_threshold'])
        .orderBy('c.id')
        .limit(batchSize);
      if (fanOut.cursor) page = page.where('c.id', '>', fanOut.cursor);
      const contacts = await page.execute();

      const now = nowIso();
      const category = CATEGORY_OF[fanOut.kind];
      const messages = contacts.map((c): NewMessage => {
        const message = { contactId: c.id, category, template: fanOut.kind, data: null, fanOutId: fanOut.id };
        if (Number(c.subscribed) === 1) return { ...message, status: 'queued' };
        if (Number(c.on) === 1) {
          return { ...message, status: 'suppressed', reason: 'below-threshold', detail: `The contact receives only advisories of severity ${c.advisory_threshold} and above.` };
        }
        return { ...message, status: 'suppressed', reason: 'not-subscribed', detail: notSubscribedReason({ lapsedAt: c.lapsed_at }) };
      });
      for (const batch of chunks(messages, 500)) await this.outbox.enqueueOncePerContact(batch, trx, now);
      await trx
        .updateTable('fan_outs')
        .set({ cursor: contacts.at(-1)?.id ?? fanOut.cursor, status: contacts.length < batchSize ? 'expanded' : 'expanding' })
        .where('id', '=', fanOut.id)
        .execute();
      return true;
    });
  }

  /** What a fan-out's messages share: the template data, and an advisory's acknowledgment. */
  async templateData(id: string): Promise<FanOutMessageData | null> {
    const row = await this.db
      .selectFrom('fan_outs')
      .select(['kind', 'severity', 'content', 'revision', 'purpose', 'root_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const data = { ...(JSON.parse(row.content) as Record<string, unknown>), revision: row.revision, ...(row.severity ? { severity: row.severity } : {}) };
    if (row.kind !== 'security-advisory') return { data };
    return {
      data: { ...data, reminder: row.purpose === 'reminder' },
      acknowledge: { advisoryId: row.root_id, applied: FIX_SEVERITIES.includes(row.severity as Severity) },
    };
  }
}

interface Answer {
  externalId: string;
  revision: number;
  queued: number;
  suppressed: number;
}

function answerOf(row: Pick<FanOutRow, 'external_id' | 'revision' | 'queued' | 'suppressed'>): Answer {
  return { externalId: row.external_id, revision: Number(row.revision), queued: Number(row.queued), suppressed: Number(row.suppressed) };
}

function distinct(ids: string[] | null): string[] | null {
  return ids ? [...new Set(ids)] : null;
}
