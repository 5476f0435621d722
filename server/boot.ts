import fs from 'node:fs';
import { configure, ConfigError, type Config } from './config/config.js';
import { createLogger } from './logger.js';
import { openStore } from './store/db.js';
import { Categories } from './consent/categories.js';
import { compileTemplates } from './rendering/render.js';
import { MarkdownRenderer } from './rendering/markdown-renderer.js';
import { createMailer } from './delivery/transport.js';
import { createServices } from './services.js';
import { FieldCrypto } from './crypto/field-crypto.js';
import { encryptAtRest } from './privacy/encrypt-at-rest.js';

export const VERSION = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What both entry points (server and worker) start from: config, store (migrated), templates, services. */
export async function boot() {
  const { config, logger, store, fieldCrypto } = await bootStore();
  const categories = Categories.fromFile(config.categoriesFile);
  const renderer = await compileTemplates(config.brand, new MarkdownRenderer().warm());
  const mailer = createMailer(config);
  const services = createServices({ config, store, categories, logger, renderer, mailer, fieldCrypto });
  return { config, logger, store, services, fieldCrypto };
}

/** Config, logger, the migrated store and the field encryption: what maintenance commands need. */
export async function bootStore() {
  let config: Config;
  try {
    config = configure();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore({ url: config.databaseUrl });
  const fieldCrypto = await FieldCrypto.open(store.db, config.dataKey, config.dataKeyPrevious);
  const sealed = await encryptAtRest(store, fieldCrypto, { onlyUnsealed: true });
  if (sealed.contacts + sealed.messages) logger.info(sealed, 'encrypted rows written before encryption at rest covered them');
  return { config, logger, store, fieldCrypto };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits 0; a stop that hangs is cut after `graceMs`. */
export function onShutdown(stop: () => Promise<void>, graceMs = 15_000): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), graceMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopped with an error: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export function fail(error: unknown): never {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
