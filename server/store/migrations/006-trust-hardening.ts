import { sql, type Kysely, type Migration } from 'kysely';

/** Codes and links are never stored: rows queued before that held them in clear. */
export function trustHardening(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`UPDATE messages SET data = NULL WHERE template IN ('sign-in-code', 'preferences-link')`.execute(db);
    },
  };
}
