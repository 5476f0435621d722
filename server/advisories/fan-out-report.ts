import { sql, type Kysely } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../store/schema.js';
import type { DeliveryCounts, FanOutKind, FanOutList, FanOutReport, MessageStatus, Severity, AlertStatus } from '../../contract/index.js';
import { notFound, invalid } from '../errors.js';
import type { AdvisoryAcknowledgments, AcknowledgmentState } from './acknowledgments.js';
import type { FanOutRow } from './fan-outs.js';

const zero = (): DeliveryCounts => ({ queued: 0, sending: 0, sent: 0, failed: 0, suppressed: 0 });
const add = (counts: DeliveryCounts, status: MessageStatus, n: number) => {
  counts[status] += n;
};

/**
 * What the support team and account managers see of an advisory or service alert: per revision
 * and per organization, what was queued, sent, failed and suppressed (and why), who acknowledged,
 * and which organizations were reminded. Counted from the messages themselves.
 */
export class FanOutReports {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly acknowledgments: AdvisoryAcknowledgments,
  ) {}

  async report(kind: FanOutKind, externalId: string): Promise<FanOutReport> {
    const rows = await this.db.selectFrom('fan_outs').selectAll().where('kind', '=', kind).where('external_id', '=', externalId).orderBy('created_at').execute();
    const original = rows.find((r) => r.purpose === 'original');
    if (!original) throw notFound(kind === 'service-alert' ? 'service alert' : 'advisory');
    const counted = await this.db
      .selectFrom('messages as m')
      .leftJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['m.fan_out_id', 'c.organization_id', 'm.status', 'm.last_error', sql<string>`count(*)`.as('n')])
      .where('m.fan_out_id', 'in', rows.map((r) => r.id))
      .groupBy(['m.fan_out_id', 'c.organization_id', 'm.status', 'm.last_error'])
      .execute();

    const byRevision = new Map(rows.map((r) => [r.id, zero()]));
    const byOrganization = new Map<string | null, { counts: DeliveryCounts; suppressed: Map<string, number> }>();
    const reminded = new Map<string, number>();
    const totals = zero();
    for (const row of counted) {
      const n = Number(row.n);
      const status = row.status as MessageStatus;
      add(byRevision.get(row.fan_out_id!)!, status, n);
      add(totals, status, n);
      const organization = byOrganization.get(row.organization_id) ?? { counts: zero(), suppressed: new Map<string, number>() };
      add(organization.counts, status, n);
      if (status === 'suppressed') {
        const reason = row.last_error ?? 'Not sent.';
        organization.suppressed.set(reason, (organization.suppressed.get(reason) ?? 0) + n);
      }
      byOrganization.set(row.organization_id, organization);
      if (status !== 'suppressed' && status !== 'failed') reminded.set(row.fan_out_id!, (reminded.get(row.fan_out_id!) ?? 0) + n);
    }

    const states = kind === 'security-advisory' ? ((await this.acknowledgments.states([original.id])).get(original.id) ?? new Map<string, AcknowledgmentState>()) : new Map<string, AcknowledgmentState>();
    const escalations = new Map(
      (await this.db.selectFrom('advisory_escalations').selectAll().where('fan_out_id', '=', original.id).execute()).map((e) => [e.organization_id, e]),
    );
    // An organization whose recipients were all erased since still shows what it acknowledged.
    for (const id of [...states.keys(), ...escalations.keys()]) if (!byOrganization.has(id)) byOrganization.set(id, { counts: zero(), suppressed: new Map() });
    const organizationIds = [...byOrganization.keys()].filter((id): id is string => id !== null);
    const names = new Map(
      organizationIds.length ? (await this.db.selectFrom('organizations').select(['id', 'name']).where('id', 'in', organizationIds).execute()).map((o) => [o.id, o.name]) : [],
    );
    const people = await this.acknowledgments.namesIn([...states.values()]);
    const who = (a: { contactId: string | null; at: string } | undefined) =>
      a ? { at: a.at, contactId: a.contactId, name: a.contactId ? (people.get(a.contactId) ?? null) : null } : null;

    return {
      ...head(rows, original, totals),
      revisions: rows.map((r) => ({ revision: Number(r.revision), purpose: r.purpose, createdAt: r.created_at, counts: byRevision.get(r.id)! })),
      organizations: [...byOrganization]
        .map(([organizationId, o]) => {
          const state = organizationId ? states.get(organizationId) : undefined;
          const escalation = organizationId ? escalations.get(organizationId) : undefined;
          return {
            organizationId,
            name: organizationId ? (names.get(organizationId) ?? null) : null,
            counts: o.counts,
            suppressed: [...o.suppressed].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
            read: who(state?.read),
            applied: who(state?.applied),
            escalation: escalation ? { at: escalation.escalated_at, reminded: reminded.get(escalation.reminder_id) ?? 0 } : null,
          };
        })
        .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff')),
    };
  }

  /** The report as CSV, one organization a line, for the account managers' spreadsheets. */
  async reportCsv(kind: FanOutKind, externalId: string): Promise<string> {
    const report = await this.report(kind, externalId);
    const when = (a: { at: string } | null) => a?.at ?? '';
    const by = (a: { name: string | null; contactId: string | null } | null) => (a ? (a.name ?? a.contactId ?? 'erased contact') : '');
    return stringify(
      report.organizations.map((o) => ({
        organization_id: o.organizationId ?? '',
        organization: o.name ?? '(contacts erased since)',
        ...o.counts,
        suppressed_because: o.suppressed.map((s) => `${s.reason} (${s.count})`).join('; '),
        read_at: when(o.read),
        read_by: by(o.read),
        applied_at: when(o.applied),
        applied_by: by(o.applied),
        reminded_at: o.escalation?.at ?? '',
        reminded: o.escalation?.reminded ?? '',
      })),
      // A name starting with = or + is text in a spreadsheet, never a formula.
      { header: true, escape_formulas: true, columns: CSV_COLUMNS },
    );
  }

  /** Advisories or service alerts, the latest first, each with its totals and acknowledgment counts. */
  async list(kind: FanOutKind, query: { limit: number; cursor?: string | undefined }): Promise<FanOutList> {
    let select = this.db
      .selectFrom('fan_outs')
      .selectAll()
      .where('kind', '=', kind)
      .where('purpose', '=', 'original')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.cursor) {
      const [createdAt, id] = query.cursor.split('~');
      if (!createdAt || !id) throw invalid('Not a cursor of this list.', [{ pointer: '#/cursor', detail: 'Use nextCursor as given.' }]);
      select = select.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    const found = await select.execute();
    const page = found.slice(0, query.limit);
    if (!page.length) return { items: [], nextCursor: null };
    const rootIds = page.map((r) => r.id);
    const rows = await this.db.selectFrom('fan_outs').selectAll().where('root_id', 'in', rootIds).execute();
    const counted = await this.db
      .selectFrom('messages as m')
      .innerJoin('fan_outs as f', 'f.id', 'm.fan_out_id')
      .select(['f.root_id', 'm.status', sql<string>`count(*)`.as('n')])
      .where('f.root_id', 'in', rootIds)
      .groupBy(['f.root_id', 'm.status'])
      .execute();
    const reached = await this.db
      .selectFrom('messages as m')
      .innerJoin('fan_outs as f', 'f.id', 'm.fan_out_id')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['f.root_id', sql<string>`count(distinct c.organization_id)`.as('n')])
      .where('f.root_id', 'in', rootIds)
      .groupBy('f.root_id')
      .execute();
    const acknowledged = await this.acknowledgments.states(rootIds);
    const escalated = await this.db
      .selectFrom('advisory_escalations')
      .select(['fan_out_id', sql<string>`count(*)`.as('n')])
      .where('fan_out_id', 'in', rootIds)
      .groupBy('fan_out_id')
      .execute();
    const items = page.map((original) => {
      const totals = zero();
      for (const c of counted.filter((c) => c.root_id === original.id)) add(totals, c.status as MessageStatus, Number(c.n));
      const states = [...(acknowledged.get(original.id)?.values() ?? [])];
      return {
        ...head(rows.filter((r) => r.root_id === original.id), original, totals),
        organizations: Number(reached.find((r) => r.root_id === original.id)?.n ?? 0),
        read: states.filter((s) => s.read).length,
        applied: states.filter((s) => s.applied).length,
        escalated: Number(escalated.find((e) => e.fan_out_id === original.id)?.n ?? 0),
      };
    });
    const last = page.at(-1)!;
    return { items, nextCursor: found.length > query.limit ? `${last.created_at}~${last.id}` : null };
  }
}

const CSV_COLUMNS = [
  'organization_id',
  'organization',
  'queued',
  'sending',
  'sent',
  'failed',
  'suppressed',
  'suppressed_because',
  'read_at',
  'read_by',
  'applied_at',
  'applied_by',
  'reminded_at',
  'reminded',
];

/** What the list and the report say first: the latest revision's title and status, and the totals. */
function head(rows: FanOutRow[], original: FanOutRow, totals: DeliveryCounts) {
  const revisions = rows.filter((r) => r.purpose !== 'reminder');
  const latest = revisions.reduce((a, b) => (Number(b.revision) > Number(a.revision) ? b : a), original);
  const content = JSON.parse(latest.content) as { title: { en?: string; fr?: string }; status?: AlertStatus };
  return {
    id: original.external_id,
    kind: original.kind,
    severity: (latest.severity as Severity | null) ?? null,
    status: content.status ?? null,
    title: content.title,
    revision: Number(latest.revision),
    createdAt: original.created_at,
    updatedAt: rows.reduce((a, r) => (r.created_at > a ? r.created_at : a), original.created_at),
    totals,
  };
}
