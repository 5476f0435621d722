import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { ImportReport, Locale } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { chunks } from '../store/batches.js';
import { nowIso } from '../store/time.js';
import type { ConsentChange, ConsentRecords } from '../consent/consent.js';
import type { Categories } from '../consent/categories.js';
import { addMonths, IMPLIED_MONTHS, isImplied } from '../consent/basis.js';
import { CONSENT_BASES, schemas, type ConsentBasis } from '../../contract/index.js';
import type { Organizations } from '../organizations/organizations.js';
import { invalid } from '../errors.js';
import { normalizeEmail } from './email-address.js';
import type { ContactCodec } from './contact-codec.js';
import { ERASED, type SuppressionList } from '../consent/suppressions.js';
import type { NameIndex } from './name-index.js';
import type { EventLog } from '../events/event-log.js';

export const CSV_COLUMNS = ['email', 'name', 'locale', 'organizationId'] as const;

export type { ImportReport } from '../../contract/index.js';
type ImportRowError = ImportReport['errors'][number];

interface GoodRow {
  line: number;
  email: string;
  name: string | null;
  locale: Locale | null;
  organizationId: string;
  /** The row's consent columns, by category: off, or on with a basis. */
  consent: Record<string, ConsentChange>;
}

/**
 * A consent cell: empty keeps the default; `off`; `on` (the category's default basis); or a basis,
 * with the start of an implied one after a colon (`implied-relationship:2025-03-01`).
 */
function consentCell(cell: string, key: string, categories: Categories, now: string): ConsentChange | { error: string } | null {
  const value = cell.trim().toLowerCase();
  if (!value) return null;
  if (value === 'off') {
    return categories.get(key)!.required ? { error: 'This category is required and cannot be turned off.' } : { subscribed: false };
  }
  const [basisText = '', since] = value.split(':');
  const basis = (basisText === 'on' ? categories.get(key)!.basis : basisText) as ConsentBasis;
  if (!CONSENT_BASES.includes(basis)) return { error: `Use off, on, or a basis (${CONSENT_BASES.join(', ')}), an implied one optionally followed by :YYYY-MM-DD.` };
  if (categories.isExpressOnly(key) && basis !== 'express') return { error: 'This category is sent only with express consent.' };
  if (since === undefined) return { subscribed: true, basis };
  if (!isImplied(basis)) return { error: 'Only an implied basis has a start date.' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || !schemas.isCalendarDate(since)) return { error: 'The start date must be a real day, YYYY-MM-DD.' };
  const start = new Date(since).toISOString();
  if (start > now) return { error: 'The start date cannot be in the future.' };
  const lapsed = addMonths(start, IMPLIED_MONTHS[basis]);
  if (lapsed <= now) return { error: `Implied consent from ${since} lapsed on ${lapsed.slice(0, 10)} (CASL s. 10(10)).` };
  return { subscribed: true, basis, since: start };
}

/** Parses, checks every row, and upserts the good ones in one transaction; bad rows are reported, not fatal. */
export async function importContactsCsv(
  deps: {
    db: Kysely<Database>;
    organizations: Organizations;
    consent: ConsentRecords;
    categories: Categories;
    codec: ContactCodec;
    suppressions: SuppressionList;
    names: NameIndex;
    events: EventLog;
  },
  text: string,
): Promise<ImportReport> {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw invalid('The file is empty: it needs a header row (email,name,locale,organizationId) and rows.');
  const position = columnPositions(header.record, deps.categories);
  const now = nowIso();

  const errors: ImportRowError[] = [];
  const candidates: GoodRow[] = [];
  const firstLineOf = new Map<string, number>();
  const cell = (record: string[], column: (typeof CSV_COLUMNS)[number]) => record[position.index[column]] ?? '';
  for (const { record, info } of records) {
    const line = info.lines;
    if (record.length !== header.record.length) {
      errors.push({ line, reason: `Expected ${header.record.length} fields, found ${record.length}.` });
      continue;
    }
    const email = normalizeEmail(cell(record, 'email'));
    const locale = cell(record, 'locale').toLowerCase();
    const name = cell(record, 'name');
    const organizationId = cell(record, 'organizationId');
    const consent: Record<string, ConsentChange> = {};
    const consentErrors: ImportRowError[] = [];
    for (const [key, index] of position.categories) {
      const parsed = consentCell(record[index] ?? '', key, deps.categories, now);
      if (parsed && 'error' in parsed) consentErrors.push({ line, field: key, reason: parsed.error });
      else if (parsed) consent[key] = parsed;
    }
    if (consentErrors.length) errors.push(consentErrors[0]!);
    else if (!email.ok) errors.push({ line, field: 'email', reason: email.reason });
    else if (locale && locale !== 'en' && locale !== 'fr') errors.push({ line, field: 'locale', reason: 'Use en or fr (or leave empty).' });
    else if (name.length > 200) errors.push({ line, field: 'name', reason: 'At most 200 characters.' });
    else if (/\p{Cc}/u.test(name)) errors.push({ line, field: 'name', reason: 'Control characters (such as line breaks) are not allowed.' });
    else if (!organizationId) errors.push({ line, field: 'organizationId', reason: 'Required.' });
    else if (firstLineOf.has(email.email)) {
      errors.push({ line, field: 'email', reason: `The same address is on line ${firstLineOf.get(email.email)}.` });
    } else {
      firstLineOf.set(email.email, line);
      candidates.push({ line, email: email.email, name: name || null, locale: (locale || null) as Locale | null, organizationId, consent });
    }
  }
  if (!records.length) throw invalid('The file has a header but no rows.');

  const locales = await deps.organizations.localesOf([...new Set(candidates.map((r) => r.organizationId))]);
  const suppressed = await deps.suppressions.among(candidates.map((r) => r.email));
  const known = candidates.filter((row) => {
    if (!locales.has(row.organizationId)) {
      errors.push({ line: row.line, field: 'organizationId', reason: 'No organization has this id.' });
      return false;
    }
    if (suppressed.get(row.email) === ERASED) {
      errors.push({ line: row.line, field: 'email', reason: 'This address was erased at its owner’s request; only an admin may re-add it, one by one.' });
      return false;
    }
    return true;
  });

  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: 0, errors, ignoredColumns: position.ignored };
  await deps.db.transaction().execute(async (trx) => {
    const existing = new Map<string, { id: string; organization_id: string; name: string | null; locale: string }>();
    for (const batch of chunks(known, 500)) {
      const byIndex = new Map(batch.map((r) => [deps.codec.index(r.email), r.email]));
      const rows = await trx
        .selectFrom('contacts')
        .select(['id', 'email_index', 'organization_id', 'name', 'locale'])
        .where('email_index', 'in', [...byIndex.keys()])
        .execute();
      for (const row of rows) existing.set(byIndex.get(row.email_index!)!, { ...row, name: deps.codec.crypto.decryptNullable(row.name) });
    }

    const fresh: Database['contacts'][] = [];
    const consentOf = new Map<string, Record<string, ConsentChange>>();
    const freshNames: { contactId: string; name: string | null }[] = [];
    for (const row of known) {
      const current = existing.get(row.email);
      if (!current) {
        const id = crypto.randomUUID();
        if (Object.keys(row.consent).length) consentOf.set(id, row.consent);
        freshNames.push({ contactId: id, name: row.name });
        fresh.push({
          id,
          organization_id: row.organizationId,
          email: '',
          email_index: null,
          phone: null,
          job_title: null,
          ...deps.codec.seal({ email: row.email, name: row.name }),
          name: deps.codec.crypto.encryptNullable(row.name),
          locale: row.locale ?? locales.get(row.organizationId)!,
          org_lead: 0,
          created_at: now,
          updated_at: now,
        });
        continue;
      }
      if (current.organization_id !== row.organizationId) {
        errors.push({ line: row.line, field: 'organizationId', reason: 'This address belongs to a contact of another organization.' });
        continue;
      }
      // An empty cell keeps what is stored: an import corrects, it does not blank.
      const name = row.name ?? current.name;
      const locale = row.locale ?? current.locale;
      const consentChanged =
        Object.keys(row.consent).length > 0 && (await deps.consent.change(trx, current.id, row.consent, { source: 'import', at: now })).length > 0;
      if (name === current.name && locale === current.locale) {
        report[consentChanged ? 'updated' : 'unchanged']++;
        continue;
      }
      await trx
        .updateTable('contacts')
        .set({ name: deps.codec.crypto.encryptNullable(name), locale, updated_at: now })
        .where('id', '=', current.id)
        .execute();
      if (name !== current.name) await deps.names.replace(trx, current.id, name);
      const changed = [...(name !== current.name ? ['name'] : []), ...(locale !== current.locale ? ['locale'] : [])];
      await deps.events.aboutContact(trx, 'contact.updated', current.id, now, { changed });
      report.updated++;
    }
    for (const batch of chunks(fresh, 500)) await trx.insertInto('contacts').values(batch).execute();
    await deps.names.insert(trx, freshNames);
    await deps.consent.initialize(trx, fresh.map((c) => c.id), { source: 'import', at: now });
    for (const [id, consent] of consentOf) await deps.consent.change(trx, id, consent, { source: 'import', at: now });
    if (await deps.events.anyWants(trx, 'contact.created')) {
      for (const contact of fresh) await deps.events.aboutContact(trx, 'contact.created', contact.id, now, { source: 'import' });
    }
    report.created = fresh.length;
  });
  errors.sort((a, b) => a.line - b.line);
  report.rejected = errors.length;
  return report;
}

function parseCsv(text: string): { record: string[]; info: { lines: number } }[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw invalid(`The file is not valid CSV${line ? ` (line ${line})` : ''}: ${(error as Error).message}`);
  }
}

function columnPositions(header: string[], categories: Categories) {
  const index = {} as Record<(typeof CSV_COLUMNS)[number], number>;
  const lower = header.map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((column) => {
    index[column] = lower.indexOf(column.toLowerCase());
    return index[column] < 0;
  });
  if (missing.length) {
    throw invalid(`The header row lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, [
      ...missing.map((column) => ({ pointer: `#/header/${column}`, detail: 'Missing column.' })),
    ]);
  }
  // Optional: one column per category, named by its key.
  const categoryColumns = new Map(categories.list.map((c) => [c.key, lower.indexOf(c.key)] as const).filter(([, i]) => i >= 0));
  const expected = new Set<string>([...CSV_COLUMNS.map((c) => c.toLowerCase()), ...categoryColumns.keys()]);
  return { index, categories: categoryColumns, ignored: header.filter((h) => !expected.has(h.toLowerCase())) };
}
