import { bootStore, fail } from '../boot.js';
import { applyRetention } from '../privacy/retention.js';
import { retentionOwners } from '../services.js';

/** `npm run retention`: deletes, once, what has outlived its retention period, and says how much. */
async function main(): Promise<void> {
  const { config, store } = await bootStore();
  const report = await applyRetention(store.db, retentionOwners(config.retention));
  process.stdout.write(`${JSON.stringify({ retention: config.retention, deleted: report })}\n`);
  await store.close();
}

main().catch(fail);
