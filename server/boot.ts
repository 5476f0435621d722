import fs from 'node:fs';
import type { DestinationStream, Logger } from 'pino';
import { configure, ConfigError } from './config/config.js';
import { createLogger } from './logger.js';
import { openStore, type Store } from './store/db.js';
import { Categories } from './consent/categories.js';
import { compileTemplates, type Renderer } from './rendering/render.js';
import { MarkdownRenderer } from './rendering/markdown-renderer.js';
import { createMailer } from './delivery/transport.js';
import { createServices } from './services.js';
import { FieldCrypto } from './crypto/field-crypto.js';
import { encryptAtRest } from './privacy/encrypt-at-rest.js';
import type { Clock } from './consent/clock.js';
import type { Config } from './config/config.js';
import type { Metrics } from './http/metrics.js';
import { serveMetricsPort, type MetricsPort } from './http/metrics-port.js';

export const VERSION = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface BootOptions {
  /** The environment to configure from (the process's by default). */
  env?: NodeJS.ProcessEnv;
  /** Where the structured log goes (standard output by default). */
  logDestination?: DestinationStream;
  /** A store already open and migrated, instead of opening DATABASE_URL (tests: a schema of their own). */
  store?: Store;
  /** Categories instead of CATEGORIES_FILE's. */
  categories?: Categories;
  /** Templates already compiled for the same brand, instead of compiling them again (tests share one set). */
  renderer?: Renderer;
  /** The time consent is counted by, instead of the system's (tests run years in milliseconds). */
  clock?: Clock;
}

/**
 * What every process starts from, the server, the worker and the tests alike: the configuration,
 * the migrated store, personal fields sealed, the templates, and the services. Throws ConfigError
 * naming every problem of the environment.
 */
export async function boot(options: BootOptions = {}) {
  const { config, logger, store, fieldCrypto } = await bootStore(options);
  const categories = options.categories ?? Categories.fromFile(config.categoriesFile);
  const renderer = options.renderer ?? (await compileTemplates(config.brand, new MarkdownRenderer().warm(), { httpsOnly: config.production }));
  const mailer = createMailer(config);
  const services = createServices({ config, store, categories, logger, renderer, mailer, fieldCrypto, ...(options.clock ? { clock: options.clock } : {}) });
  const filled = await services.consent.fillMissingBases(store.db);
  if (filled) logger.info({ consents: filled }, 'consent recorded before bases existed now rests on its category’s default basis');
  const named = await services.contacts.fillMissingNameTokens(store.dialect);
  if (named) logger.info({ contacts: named }, 'names of contacts made before the name index can now be searched');
  return { config, logger, store, services, fieldCrypto };
}

/** Config, logger, the migrated store and the field encryption: what maintenance commands need. */
export async function bootStore(options: BootOptions = {}) {
  const config = configure(options.env ?? process.env);
  const logger = createLogger(config.logLevel, options.logDestination);
  const store = options.store ?? (await openStore({ url: config.databaseUrl }));
  const fieldCrypto = await FieldCrypto.open(store.db, config.dataKey, config.dataKeyPrevious);
  const sealed = await encryptAtRest(store, fieldCrypto, { onlyUnsealed: true });
  if (sealed.contacts + sealed.messages) logger.info(sealed, 'encrypted rows written before encryption at rest covered them');
  return { config, logger, store, fieldCrypto };
}

/** `/metrics` on METRICS_PORT, when set: the process's own registry, behind METRICS_TOKEN if there is one. */
export async function startMetricsPort(config: Config, metrics: Metrics, logger: Logger): Promise<MetricsPort | null> {
  if (!config.metricsPort) return null;
  const served = await serveMetricsPort(metrics, { ...config.metricsPort, token: config.metricsToken });
  logger.info({ port: served.port, host: config.metricsPort.host, token: config.metricsToken !== null }, 'metrics listening');
  return served;
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

/** An entry point could not start: a configuration problem is said plainly, anything else with its stack. */
export function fail(error: unknown): never {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
