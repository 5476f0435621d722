import type { Kysely, Migration } from 'kysely';

export function staffSecondFactors(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The fallback to passkeys: an authenticator app's secret (sealed), and one-time recovery codes (hashed).
      await db.schema
        .createTable('staff_totp')
        .addColumn('staff_id', 'text', (c) => c.primaryKey().references('staff_users.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .addColumn('last_time_step', 'integer')
        .execute();
      await db.schema
        .createTable('staff_recovery_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('staff_recovery_codes_staff').on('staff_recovery_codes').columns(['staff_id']).execute();
    },
  };
}
