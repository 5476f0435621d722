import { bootStore, fail } from '../boot.js';
import { encryptAtRest } from '../privacy/encrypt-at-rest.js';
import { WebhookEndpoints } from '../events/webhook-endpoints.js';

/**
 * `npm run rotate-data-key`: re-encrypts every personal field (contacts, messages' data and
 * subjects) and the outgoing webhooks' signing secrets under DATA_KEY. Run it with the new key as DATA_KEY and the old one as
 * DATA_KEY_PREVIOUS (servers may keep running with the same pair meanwhile); once it is done,
 * DATA_KEY_PREVIOUS can be removed everywhere.
 */
async function main(): Promise<void> {
  const { config, store, fieldCrypto } = await bootStore();
  if (!config.dataKeyPrevious) process.stderr.write('Note: DATA_KEY_PREVIOUS is not set; only values already under DATA_KEY can be read.\n');
  const rewritten = await encryptAtRest(store, fieldCrypto);
  const webhookEndpoints = await new WebhookEndpoints({ db: store.db, crypto: fieldCrypto, policy: { production: config.production, allowedInternalHosts: config.webhookInternalHosts } }).resealSecrets();
  process.stdout.write(`${JSON.stringify({ rewritten: { ...rewritten, webhookEndpoints } })}\n`);
  await store.close();
}

main().catch(fail);
