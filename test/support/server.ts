import { randomBytes } from 'node:crypto';
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../server/app.js';
import { boot } from '../../server/boot.js';
import { loadConfig, type Config } from '../../server/config/config.js';
import type { Categories } from '../../server/consent/categories.js';
import type { Clock } from '../../server/consent/clock.js';
import { compileTemplates, type Renderer } from '../../server/rendering/render.js';
import type { Services } from '../../server/services.js';
import type { HttpsGet } from '../../server/deliverability/relays/https-get.js';
import { createTestStore, type StoreKind, type TestStore } from './stores.js';
import type { Logger } from 'pino';

export const ADMIN_KEY = 'sk_test_admin_0123456789abcdefghijklmnop';
export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * What a production start needs beyond the suite's defaults: https, a TLS relay (nothing is sent
 * to it), a postal address and a website, and secrets of its own (production refuses the suite's
 * fixed, weak ones).
 */
export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://mail.serveitpro.example',
    SMTP_URL: 'smtps://relay.serveitpro.example:465',
    BRAND_POSTAL_ADDRESS: '1200, rue Peel, Montréal (Québec) H3B 2T6',
    BRAND_WEBSITE_URL: 'https://serveitpro.example',
    WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64url')}`,
    DATA_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

export interface TestServer {
  url: string;
  config: Config;
  /** The environment it was booted with (another process or worker on the same data boots with it too). */
  env: Record<string, string>;
  testStore: TestStore;
  services: Services;
  /** Every structured log line the server wrote. */
  logs: string[];
  /** The server's logger, for parts a test starts beside it (their lines land in `logs`). */
  logger: Logger;
  api: ApiClient;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  categories?: Categories;
  /** Send through this SMTP server (else the dev mailbox under the test's data folder). */
  smtpUrl?: string;
  /** Run the send worker in the process, polling fast. Default: on when smtpUrl is given. */
  worker?: boolean;
  /** A store made by the test itself (e.g. on its own PostgreSQL server); else a fresh one. */
  testStore?: TestStore;
  /** The time consent lapses and renewals are counted by (see test/support/clock.ts). */
  clock?: Clock;
  /** PUBLIC_URL's host instead of 127.0.0.1: passkeys need a domain name (`localhost`), never an IP address. */
  publicHost?: string;
  /** Fetches SNS signing certificates and confirmation links instead of the network (a locally made certificate). */
  snsGet?: HttpsGet;
}

const renderers = new Map<boolean, Promise<Renderer>>();

/** The templates, compiled once per test process and mode (every test server has the same brand; production allows https only). */
function sharedRenderer(config: Config): Promise<Renderer> {
  let renderer = renderers.get(config.production);
  if (!renderer) {
    renderer = compileTemplates(config.brand, undefined, { httpsOnly: config.production });
    renderers.set(config.production, renderer);
  }
  return renderer;
}

/** The real boot and app, on a real store, listening on a free loopback port. */
export async function startServer(kind: StoreKind, options: StartOptions = {}): Promise<TestServer> {
  const testStore = options.testStore ?? (await createTestStore(kind));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // Links carry PUBLIC_URL, which holds the port: listen first, then mount the app.
  let handler: RequestListener | null = null;
  const listener = http.createServer((req, res) => handler!(req, res));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

  const env: Record<string, string> = {
    DATA_DIR: testStore.dir,
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_SECRET,
    TOKEN_SECRETS: 'k1:test-token-secret-0123456789abcdefghij',
    DATA_KEY: TEST_DATA_KEY,
    PUBLIC_URL: options.publicHost ? url.replace('127.0.0.1', options.publicHost) : url,
    SEND_RETRY_BASE_MS: '50',
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...options.env,
  };
  const { config, logger, store, services } = await boot({
    env,
    logDestination,
    store: testStore.store,
    ...(options.categories ? { categories: options.categories } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    renderer: await sharedRenderer(loadConfig(env)),
  });
  handler = createApp({ config, store, logger, services, version: 'test', ...(options.snsGet ? { snsGet: options.snsGet } : {}) });
  const runWorker = options.worker ?? Boolean(options.smtpUrl);
  if (runWorker) {
    services.worker.start();
    services.dispatcher.start();
  }

  return {
    url,
    config,
    env,
    testStore,
    services,
    logs,
    logger,
    api: new ApiClient(url, ADMIN_KEY),
    close: async () => {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      if (runWorker) await Promise.all([services.worker.stop(), services.dispatcher.stop()]);
      else services.mailer.close();
      await testStore.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string | null,
  ) {}

  as(key: string | null): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { json?: unknown; body?: string | Buffer; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    let body: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    if (options.contentType) headers['content-type'] = options.contentType;
    const res = await fetch(this.baseUrl + path, { method, headers, body: body as BodyInit | undefined, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, json: unknown) => this.request<T>('POST', path, { json });
  put = <T = any>(path: string, json: unknown) => this.request<T>('PUT', path, { json });
  patch = <T = any>(path: string, json: unknown) => this.request<T>('PATCH', path, { json });
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}

/** An organization and a contact in it, the usual starting point. */
export async function seedContact(api: ApiClient, email = 'ana@example.com', locale: 'en' | 'fr' = 'en') {
  const org = await api.post('/api/v1/organizations', { name: 'Acme Dental', locale });
  if (org.status !== 201) throw new Error(`seed organization: ${org.status}`);
  const contact = await api.post('/api/v1/contacts', { organizationId: org.body.id, email, name: 'Ana Tremblay' });
  if (contact.status !== 201) throw new Error(`seed contact: ${contact.status} ${JSON.stringify(contact.body)}`);
  return { organizationId: org.body.id as string, contact: contact.body };
}
