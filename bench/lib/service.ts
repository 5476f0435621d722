// The real service as child processes (`server/cli/server.ts`, `server/cli/worker.ts`), and the few
// API calls the benchmarks need: seeding contacts by CSV import (in the measured process, or in a
// short-lived one of its own), and the signed advisory webhook.
import path from 'node:path';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';
import { ADMIN_KEY, TOKEN_SECRET, WEBHOOK_SECRET, freePort, runTs, tempDir, waitForHealthy, type Child } from './proc.js';

export interface ServiceOptions {
  /** `sqlite:<path>` or `postgres://…`; default a fresh SQLite file. */
  databaseUrl?: string;
  /** The data folder (development secrets, the default SQLite file); default a new one. Processes sharing it share their keys. */
  dataDir?: string;
  smtpUrl?: string;
  env?: Record<string, string>;
}

export interface Service extends Child {
  url: string;
  databaseUrl: string;
  dataDir: string;
}

export function serviceEnv(dataDir: string, databaseUrl: string, smtpUrl: string | undefined, port?: number): Record<string, string> {
  return {
    NODE_ENV: 'development',
    ...(port ? { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_SECRET,
    TOKEN_SECRETS: `${TOKEN_SECRET.kid}:${TOKEN_SECRET.secret}`,
    LOG_LEVEL: 'silent',
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
  };
}

/** `server/cli/server.ts` (compiled, as npm start runs it) as its own process, waited for until /healthz answers. */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const port = await freePort();
  const dataDir = options.dataDir ?? tempDir('service');
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(dataDir, 'bench.db')}`;
  const child = runTs('server/cli/server.ts', { ...serviceEnv(dataDir, databaseUrl, options.smtpUrl, port), ...options.env });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(url, child);
  return { ...child, url, databaseUrl, dataDir };
}

/** `tsx server/cli/worker.ts` on the same database and SMTP server. */
export function startWorker(databaseUrl: string, smtpUrl: string, env: Record<string, string> = {}): Child {
  return runTs('server/cli/worker.ts', { ...serviceEnv(tempDir('worker'), databaseUrl, smtpUrl), ...env });
}

export async function api(base: string, method: string, route: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A new organization with `count` contacts imported by CSV in chunks of 10,000; returns its id. */
export async function seedContacts(base: string, count: number, prefix: string): Promise<string> {
  const organization = await api(base, 'POST', '/api/v1/organizations', { name: `Bench ${prefix}`, locale: 'en' });
  const organizationId = organization['id'] as string;
  for (let start = 0; start < count; start += 10_000) {
    const rows = ['email,name,locale,organizationId'];
    for (let i = start; i < Math.min(count, start + 10_000); i += 1) rows.push(`${prefix}-${i}@bench.example,Contact ${i},en,${organizationId}`);
    let answer: Record<string, unknown>;
    try {
      answer = await api(base, 'POST', '/api/v1/contacts/import', rows.join('\n'), 'text/csv');
    } catch (error) {
      // Seen once under load (a 500, not reproduced): the import upserts by email, so one retry is safe; say so.
      process.stderr.write(`seeding: import chunk at ${start} failed, retrying once: ${String(error).slice(0, 300)}\n`);
      answer = await api(base, 'POST', '/api/v1/contacts/import', rows.join('\n'), 'text/csv');
    }
    if (answer['rejected'] !== 0) throw new Error(`import rejected rows: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return organizationId;
}

/**
 * Seeds organizations of `count` contacts each (as seedContacts) through a short-lived service of
 * its own, WORKER=off, on the given database and data folder (so with the same keys), stopped
 * before this returns: a service started afterwards on that database is measured without the
 * import's heap. Returns the organizations' ids in order.
 */
export async function seedContactsApart(target: { databaseUrl: string; dataDir: string }, organizations: { count: number; prefix: string }[]): Promise<string[]> {
  const seeder = await startService({ ...target, env: { WORKER: 'off' } });
  try {
    const ids: string[] = [];
    for (const { count, prefix } of organizations) ids.push(await seedContacts(seeder.url, count, prefix));
    return ids;
  } finally {
    await seeder.stop();
  }
}

export const ADVISORY = {
  title: 'Critical VPN appliance vulnerability: patch tonight',
  severity: 'critical',
  summary: 'A remotely exploitable flaw affects the VPN appliances we manage for you. We will patch them tonight between 22:00 and 23:00.',
  body: [
    '## What happens',
    '',
    'The vendor published a fix for **CVE-2026-0001**. We will apply it to every appliance we manage tonight.',
    '',
    '- Remote access may drop for up to 10 minutes.',
    '- No action is needed on your side.',
    '- Details: [vendor advisory](https://vendor.example/advisories/0001).',
    '',
    'Questions? Reply to this email or call the service desk.',
  ].join('\n'),
} as const;

/** The signed advisory webhook; returns the response status and body. */
export async function postAdvisory(base: string, id: string, organizationIds?: string[]) {
  const raw = JSON.stringify({ id, ...ADVISORY, ...(organizationIds ? { organizationIds } : {}) });
  const res = await fetch(`${base}/hooks/advisories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(raw, WEBHOOK_SECRET) },
    body: raw,
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 202) throw new Error(`webhook → ${res.status}: ${JSON.stringify(body)}`);
  return body;
}
