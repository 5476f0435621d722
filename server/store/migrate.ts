import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './dialect.js';
import { initial } from './migrations/001-initial.js';
import { outbox } from './migrations/002-outbox.js';
import { signIn } from './migrations/003-sign-in.js';
import { privacy } from './migrations/004-privacy.js';
import { leaseIndex } from './migrations/005-lease-index.js';
import { trustHardening } from './migrations/006-trust-hardening.js';
import { consentProof } from './migrations/007-consent-proof.js';
import { organizationPolicy } from './migrations/008-organization-policy.js';
import { clientControl } from './migrations/009-client-control.js';
import { fanOuts } from './migrations/010-fan-outs.js';
import { staff } from './migrations/011-staff.js';
import { contactNameIndex } from './migrations/012-contact-name-index.js';
import { staffSecondFactors } from './migrations/013-staff-second-factors.js';
import { staffSso } from './migrations/014-staff-sso.js';
import { deliveryFeedback } from './migrations/015-delivery-feedback.js';
import { consentReceivers } from './migrations/016-consent-receivers.js';
import { webhookEndpoints } from './migrations/017-webhook-endpoints.js';
import { events } from './migrations/018-events.js';
import { suppressedReason } from './migrations/019-suppressed-reason.js';

// Versioned migrations, applied in name order at start. Each gets the dialect because a few
// statements (auto-increment ids, append-only triggers) are written differently per store.
const migrations: Record<string, (dialect: Dialect) => Migration> = {
  '001-initial': initial,
  '002-outbox': outbox,
  '003-sign-in': signIn,
  '004-privacy': privacy,
  '005-lease-index': leaseIndex,
  '006-trust-hardening': trustHardening,
  '007-consent-proof': consentProof,
  '008-organization-policy': organizationPolicy,
  '009-client-control': clientControl,
  '010-fan-outs': fanOuts,
  '011-staff': staff,
  '012-contact-name-index': contactNameIndex,
  '013-staff-second-factors': staffSecondFactors,
  '014-staff-sso': staffSso,
  '015-delivery-feedback': deliveryFeedback,
  '016-consent-receivers': consentReceivers,
  '017-webhook-endpoints': webhookEndpoints,
  '018-events': events,
  '019-suppressed-reason': suppressedReason,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(Object.entries(migrations).map(([name, make]) => [name, make(dialect)])),
  };
  // PostgreSQL: name the schema of kysely's own tables, or its "does the table exist?" check sees
  // another schema's (parallel test runs, one schema each) and skips creating ours.
  const schema =
    dialect === 'postgres' ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : null;
  const { error } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
