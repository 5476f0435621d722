import fs from 'node:fs';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './http/logger.js';
import { openStore } from './store/db.js';
import { Categories } from './consent/categories.js';
import { createApp } from './app.js';

const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const categories = Categories.fromFile(config.categoriesFile);
  const store = await openStore({ url: config.databaseUrl });
  const { app } = createApp({ config, store, categories, logger, version });

  const server = app.listen(config.port, config.host, () => {
    logger.info({ port: config.port, host: config.host, store: store.dialect }, 'listening');
    printDevSecrets(config);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: no new requests');
    server.close(async () => {
      await store.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    // Requests still running after this are cut; the queue keeps whatever they had not finished.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Development only: the made-up secrets, on the terminal (never in the structured log). */
function printDevSecrets(config: ReturnType<typeof loadConfig>): void {
  if (config.production) return;
  const lines = [`Listening on ${config.publicUrl} (development)`];
  if (config.generated.adminApiKey) lines.push(`  ADMIN_API_KEY  ${config.adminApiKey}`);
  if (config.generated.webhookSecret) lines.push(`  WEBHOOK_SECRET ${config.webhookSecret}`);
  if (config.generated.tokenSecrets) lines.push(`  token secret kept in ${config.dataDir}/dev-secrets.json`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
