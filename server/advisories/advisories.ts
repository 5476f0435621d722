import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Dialect } from '../store/db.js';
import { chunks } from '../store/batches.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nowIso } from '../store/time.js';
import type { Categories } from '../consent/categories.js';
import { audienceQuery, countAudience } from '../consent/audience.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Renderer } from '../rendering/render.js';
import { ADVISORY_CATEGORY, type AdvisoryAccepted, type AdvisoryCreate, type Severity } from '../../contract/index.js';
import { invalid } from '../errors.js';


/**
 * An advisory is recorded with its audience counted, in one transaction, and answered at once;
 * workers then expand the audience into messages a batch at a time (`expandNext`).
 */
export class Advisories {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly categories: Categories,
    private readonly outbox: Outbox,
    private readonly renderer: Renderer,
  ) {}

  private get category() {
    const category = this.categories.get(ADVISORY_CATEGORY);
    if (!category) throw new Error(`the ${ADVISORY_CATEGORY} category is not configured`);
    return category;
  }

  /** `created: false` when this id was recorded before: the answer is the first one. */
  async record(input: AdvisoryCreate): Promise<{ created: boolean; answer: AdvisoryAccepted }> {
    const previous = await this.answerOf(input.id);
    if (previous) return { created: false, answer: previous };
    // Checked before it is recorded: Markdown that cannot be rendered, or an email Gmail would clip.
    const problems = await this.renderer.problems('security-advisory', input);
    if (problems.length) {
      throw invalid('The advisory cannot be sent as it is.', problems.map((p) => ({ pointer: `#/${p.field}`, detail: `${p.field} ${p.message}` })));
    }
    const organizationIds = input.organizationIds ? [...new Set(input.organizationIds)] : null;
    if (organizationIds) await this.checkOrganizations(organizationIds);
    try {
      const answer = await this.db.transaction().execute(async (trx) => {
        const counts = await countAudience(trx, this.category, organizationIds, input.severity);
        await trx
          .insertInto('advisories')
          .values({
            id: input.id,
            title: input.title,
            severity: input.severity,
            summary: input.summary,
            body: input.body,
            organization_ids: organizationIds ? JSON.stringify(organizationIds) : null,
            status: 'expanding',
            cursor: null,
            queued: counts.subscribed,
            suppressed: counts.notSubscribed,
            created_at: nowIso(),
          })
          .execute();
        return { advisoryId: input.id, queued: counts.subscribed, suppressed: counts.notSubscribed };
      });
      return { created: true, answer };
    } catch (error) {
      // The same advisory arriving twice at once: the other call recorded it first.
      if (!isUniqueViolation(error)) throw error;
      const first = await this.answerOf(input.id);
      if (!first) throw error;
      return { created: false, answer: first };
    }
  }

  private async answerOf(id: string): Promise<AdvisoryAccepted | null> {
    const row = await this.db.selectFrom('advisories').select(['id', 'queued', 'suppressed']).where('id', '=', id).executeTakeFirst();
    return row ? { advisoryId: row.id, queued: Number(row.queued), suppressed: Number(row.suppressed) } : null;
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
   * Turns the next `batchSize` contacts of one advisory still being expanded into queued messages
   * for those subscribed, and moves its cursor, in one transaction: a crash loses nothing and
   * redoes nothing. On PostgreSQL, SKIP LOCKED lets several workers expand different advisories.
   * Returns false when there was nothing to expand.
   */
  async expandNext(batchSize: number): Promise<boolean> {
    const category = this.category;
    return this.db.transaction().execute(async (trx) => {
      let pick = trx.selectFrom('advisories').selectAll().where('status', '=', 'expanding').orderBy('created_at').limit(1);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const advisory = await pick.executeTakeFirst();
      if (!advisory) return false;

      const organizationIds = advisory.organization_ids ? (JSON.parse(advisory.organization_ids) as string[]) : null;
      const { query, subscribed } = audienceQuery(trx, category, organizationIds, advisory.severity as Severity);
      let page = query.select(['c.id', subscribed.as('subscribed')]).orderBy('c.id').limit(batchSize);
      if (advisory.cursor) page = page.where('c.id', '>', advisory.cursor);
      const contacts = await page.execute();

      const now = nowIso();
      const rows = contacts
        .filter((c) => Number(c.subscribed) === 1)
        .map((c) =>
          this.outbox.row(
            { contactId: c.id, category: category.key, template: 'security-advisory', data: null, advisoryId: advisory.id, status: 'queued' },
            now,
          ),
        );
      for (const batch of chunks(rows, 500)) await this.outbox.enqueueOncePerContact(batch, trx);
      await trx
        .updateTable('advisories')
        .set({ cursor: contacts.at(-1)?.id ?? advisory.cursor, status: contacts.length < batchSize ? 'expanded' : 'expanding' })
        .where('id', '=', advisory.id)
        .execute();
      return true;
    });
  }

  /** The template data of an advisory's messages. */
  async templateData(id: string): Promise<Record<string, unknown> | null> {
    const row = await this.db
      .selectFrom('advisories')
      .select(['title', 'severity', 'summary', 'body'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { ...row } : null;
  }
}
