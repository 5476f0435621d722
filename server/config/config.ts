import path from 'node:path';
import { z } from 'zod';
import { reusedSecrets, secretProblems, type SecretValue } from './secret-strength.js';
import { BUILT_EXTENSION_IDS } from './extension-ids.js';
import { devSecrets, type DevSecrets } from './dev-secrets.js';
import { brandProblems, defaultFeedbackSenderId, FEEDBACK_SENDER_ID } from './brand-settings.js';
import { EMAIL_PATTERN, PHONE_PATTERN } from '../rendering/brand.js';
import { oidcConfig, type OidcConfig } from './oidc.js';
import { relayWebhooksConfig, type RelayWebhooksConfig } from './relays.js';

export interface TokenSecret {
  kid: string;
  secret: string;
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  /** null: the dev mailbox under `<dataDir>/mail`. */
  smtpUrl: string | null;
  /** Where bounces and complaints come back (VERP envelope senders `bounces+<reference>@…`); null: not collected. */
  bounceDomain: string | null;
  /** The inbound SMTP receiver of those reports; null: not started by the server (`npm run inbound` starts it alone). */
  inboundSmtp: { port: number; host: string } | null;
  mailFrom: string;
  /** The first signs, all verify. */
  tokenSecrets: TokenSecret[];
  webhookSecret: string;
  adminApiKey: string;
  worker: boolean;
  sendConcurrency: number;
  sendRate: number;
  /** First retry delay; each later one doubles, with jitter. */
  sendRetryBaseMs: number;
  sendMaxAttempts: number;
  /** How long a worker's claim on a message lasts unless renewed (how soon a crashed worker's messages are retried). */
  sendLeaseMs: number;
  /** How long unsubscribe and preference links stay valid (at least 60). */
  linkTtlDays: number;
  /** How long a critical advisory may go unacknowledged at an organization before its one reminder. */
  advisoryEscalateAfterMs: number;
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  brand: { name: string; color: string; postalAddress: string; logoUrl?: string; websiteUrl?: string; phone?: string; contactEmail?: string };
  /** The sender field of every email's Feedback-ID (Gmail's feedback loop). */
  feedbackSenderId: string;
  /** AES-256 key of the personal fields at rest; the previous one still decrypts during a rotation. */
  dataKey: Buffer;
  dataKeyPrevious: Buffer | null;
  retention: { messageLogDays: number; consentHistoryDays: number; auditLogDays: number };
  dataDir: string;
  categoriesFile: string | undefined;
  logLevel: string;
  /** The browser extensions (Chromium ids, Firefox installation UUIDs) allowed to call the self-service API with CORS. */
  extensionIds: readonly string[];
  /** Bearer token of `GET /metrics`; null: no metrics route on the service's port. */
  metricsToken: string | null;
  /** A port of its own serving `/metrics` (the worker has no other); null: none. */
  metricsPort: { port: number; host: string } | null;
  /** Outgoing webhooks' hosts allowed to resolve to internal addresses in production (an on-premises PSA), lower case. */
  webhookInternalHosts: ReadonlySet<string>;
  /** Outgoing webhooks: the first retry's delay (doubling, with jitter, up to an hour), and each request's time limit. */
  webhookRetryBaseMs: number;
  webhookTimeoutMs: number;
  /** Express `trust proxy`: false, true, a hop count, or addresses. */
  trustProxy: boolean | number | string;
  /** Staff single sign-on by OpenID Connect; null: off. */
  oidc: OidcConfig | null;
  /** The relays' event webhooks (SendGrid, Postmark, Amazon SES through SNS); each null when off. */
  relayWebhooks: RelayWebhooksConfig;
  /** Secrets made up for development, to print once at start. */
  generated: { webhookSecret: boolean; adminApiKey: boolean; tokenSecrets: boolean };
}

const SECRETS = ['TOKEN_SECRETS', 'WEBHOOK_SECRET', 'ADMIN_API_KEY', 'DATA_KEY'] as const;
const DEFAULT_DATA_DIR = './data';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<path> or postgres://…').optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  BOUNCE_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$/i, 'a domain name whose MX is the inbound receiver, like bounces.msp.example')
    .optional(),
  INBOUND_SMTP_PORT: int(0, 65535).optional(),
  INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_FROM: z.string().min(3).default('SERVEITPRO <no-reply@localhost>'),
  TOKEN_SECRETS: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  ADMIN_API_KEY: z.string().min(16).optional(),
  WORKER: z.enum(['on', 'off']).default('on'),
  SEND_CONCURRENCY: int(1, 100).default(5),
  SEND_RATE: z.coerce.number().min(0).default(0),
  SEND_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(10_000),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(10_000),
  SEND_MAX_ATTEMPTS: int(1, 50).default(8),
  SEND_LEASE_MS: int(300, 3_600_000).default(30_000),
  LINK_TTL_DAYS: int(60, 3650).default(180),
  ADVISORY_ESCALATE_AFTER: z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*[mhd]?$/, 'a duration such as 24h, 90m or 2d (hours when no unit)')
    .transform((value) => Number.parseFloat(value) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[/[mhd]$/.exec(value)?.[0] ?? 'h']!)
    .refine((ms) => ms >= 60_000 && ms <= 30 * 86_400_000, 'between 1 minute and 30 days')
    .default(24 * 3_600_000),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  BRAND_NAME: z.string().min(1).default('SERVEITPRO'),
  BRAND_COLOR: z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a hex colour like #0b5cad').default('#0b5cad'),
  BRAND_POSTAL_ADDRESS: z.string().min(5).optional(),
  BRAND_LOGO_URL: z.url({ protocol: /^https?$/ }).optional(),
  BRAND_WEBSITE_URL: z.url({ protocol: /^https?$/ }).optional(),
  BRAND_PHONE: z.string().trim().regex(PHONE_PATTERN, 'a telephone number such as +1 514 555-0100').optional(),
  BRAND_CONTACT_EMAIL: z.string().trim().regex(EMAIL_PATTERN, 'an email address').optional(),
  FEEDBACK_ID_SENDER: z.string().regex(FEEDBACK_SENDER_ID, '5 to 15 letters, digits, dots, dashes or underscores').optional(),
  DATA_KEY: z.string().optional(),
  DATA_KEY_PREVIOUS: z.string().optional(),
  MESSAGE_LOG_RETENTION_DAYS: int(1, 36_500).default(365),
  CONSENT_HISTORY_RETENTION_DAYS: int(365, 36_500).default(7 * 365),
  AUDIT_LOG_RETENTION_DAYS: int(90, 365).default(365),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  CATEGORIES_FILE: z.string().optional(),
  TRUST_PROXY: z.string().default('false'),
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  WEBHOOK_INTERNAL_HOSTS: z
    .string()
    .regex(/^\s*[\w.-]{1,253}(\s*,\s*[\w.-]{1,253})*\s*$/, 'a comma-separated list of host names')
    .optional(),
  EXTENSION_IDS: z
    .string()
    .regex(/^\s*[\w-]{1,64}(\s*,\s*[\w-]{1,64})*\s*$/, 'a comma-separated list of extension ids (Chromium: 32 letters a–p; Firefox: the installation UUID)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  OIDC_ROLE_MAP: z.string().optional(),
  OIDC_LABEL: z.string().trim().min(1).max(60).optional(),
  OIDC_MFA_AMR: z.string().default('mfa'),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  POSTMARK_WEBHOOK_USER: z.string().optional(),
  POSTMARK_WEBHOOK_PASSWORD: z.string().optional(),
  SES_SNS_TOPIC_ARNS: z.string().optional(),
});

export class ConfigError extends Error {}

/**
 * The configuration the service starts with: the environment, checked, and in development the
 * secrets it lacks, made once and kept under DATA_DIR (the one file this writes).
 */
export function configure(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const complete = SECRETS.every((name) => env[name]);
  return loadConfig(env, production || complete ? undefined : devSecrets(env.DATA_DIR || DEFAULT_DATA_DIR));
}

/**
 * Reads and checks the environment, writing nothing; throws ConfigError with every problem at
 * once. Secrets it lacks come from `dev` (development only).
 */
export function loadConfig(env: NodeJS.ProcessEnv, dev?: DevSecrets): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production) {
    for (const key of ['TOKEN_SECRETS', 'WEBHOOK_SECRET', 'ADMIN_API_KEY', 'PUBLIC_URL', 'SMTP_URL', 'BRAND_POSTAL_ADDRESS', 'DATA_KEY'] as const) {
      if (!e[key]) problems.push(`${key} is required in production`);
    }
    if (e.PUBLIC_URL?.startsWith('http:')) problems.push('PUBLIC_URL must be https: in production');
    problems.push(...brandProblems(e));
    if (e.SMTP_URL) problems.push(...relayTlsProblems(e.SMTP_URL));
  }
  const dkimParts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (dkimParts !== 0 && dkimParts !== 3) problems.push('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together');
  const tokenSecrets = e.TOKEN_SECRETS ? parseTokenSecrets(e.TOKEN_SECRETS, problems) : [];
  const dataKey = e.DATA_KEY ? parseDataKey('DATA_KEY', e.DATA_KEY, problems) : null;
  const dataKeyPrevious = e.DATA_KEY_PREVIOUS ? parseDataKey('DATA_KEY_PREVIOUS', e.DATA_KEY_PREVIOUS, problems) : null;
  const oidc = oidcConfig(e, production, problems);
  const relayWebhooks = relayWebhooksConfig(e, problems);
  // Without a token, metrics are only for whoever is on the machine itself.
  if (e.METRICS_PORT !== undefined && !e.METRICS_TOKEN && !isLoopback(e.METRICS_HOST)) {
    problems.push(`METRICS_TOKEN is required when METRICS_PORT listens beyond loopback (METRICS_HOST ${e.METRICS_HOST})`);
  }
  if (production) {
    const secrets: [string, SecretValue | null | undefined][] = [
      ['ADMIN_API_KEY', e.ADMIN_API_KEY],
      ['WEBHOOK_SECRET', e.WEBHOOK_SECRET],
      ['METRICS_TOKEN', e.METRICS_TOKEN],
      ...tokenSecrets.map((s): [string, string] => [`TOKEN_SECRETS (kid "${s.kid}")`, s.secret]),
      ['DATA_KEY', dataKey],
      ['DATA_KEY_PREVIOUS', dataKeyPrevious],
      ['OIDC_CLIENT_SECRET', e.OIDC_CLIENT_SECRET],
      ['POSTMARK_WEBHOOK_PASSWORD', relayWebhooks.postmark?.password],
    ];
    const given = secrets.filter((s): s is [string, SecretValue] => Boolean(s[1]));
    problems.push(...given.flatMap(([name, value]) => secretProblems(name, value)), ...reusedSecrets(given));
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `✖ ${p}`).join('\n')}`);

  const missing = SECRETS.filter((name) => !e[name]);
  if (missing.length && !dev) throw new ConfigError(`Invalid configuration:\n✖ ${missing.join(', ')} not set, and no development secrets were given`);
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(e.DATA_DIR, 'consent.db')}`,
    smtpUrl: e.SMTP_URL ?? null,
    bounceDomain: e.BOUNCE_DOMAIN?.toLowerCase() ?? null,
    inboundSmtp: e.INBOUND_SMTP_PORT !== undefined ? { port: e.INBOUND_SMTP_PORT, host: e.INBOUND_SMTP_HOST } : null,
    mailFrom: e.MAIL_FROM,
    tokenSecrets: tokenSecrets.length ? tokenSecrets : [{ kid: 'dev', secret: dev!.tokenSecret }],
    webhookSecret: e.WEBHOOK_SECRET ?? dev!.webhookSecret,
    adminApiKey: e.ADMIN_API_KEY ?? dev!.adminApiKey,
    worker: e.WORKER === 'on',
    sendConcurrency: e.SEND_CONCURRENCY,
    sendRate: e.SEND_RATE,
    sendRetryBaseMs: e.SEND_RETRY_BASE_MS,
    sendMaxAttempts: e.SEND_MAX_ATTEMPTS,
    sendLeaseMs: e.SEND_LEASE_MS,
    linkTtlDays: e.LINK_TTL_DAYS,
    advisoryEscalateAfterMs: e.ADVISORY_ESCALATE_AFTER,
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
        ? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') }
        : null,
    brand: {
      name: e.BRAND_NAME,
      color: e.BRAND_COLOR,
      postalAddress: e.BRAND_POSTAL_ADDRESS ?? '1000 rue Exemple, Montréal (Québec) H2X 1Y4, Canada',
      ...(e.BRAND_LOGO_URL ? { logoUrl: e.BRAND_LOGO_URL } : {}),
      ...(e.BRAND_WEBSITE_URL ? { websiteUrl: e.BRAND_WEBSITE_URL } : {}),
      ...(e.BRAND_PHONE ? { phone: e.BRAND_PHONE } : {}),
      ...(e.BRAND_CONTACT_EMAIL ? { contactEmail: e.BRAND_CONTACT_EMAIL } : {}),
    },
    feedbackSenderId: e.FEEDBACK_ID_SENDER ?? defaultFeedbackSenderId(e.BRAND_NAME, e.MAIL_FROM),
    dataKey: dataKey ?? Buffer.from(dev!.dataKey, 'base64'),
    dataKeyPrevious,
    retention: {
      messageLogDays: e.MESSAGE_LOG_RETENTION_DAYS,
      consentHistoryDays: e.CONSENT_HISTORY_RETENTION_DAYS,
      auditLogDays: e.AUDIT_LOG_RETENTION_DAYS,
    },
    dataDir: e.DATA_DIR,
    categoriesFile: e.CATEGORIES_FILE,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsPort: e.METRICS_PORT !== undefined ? { port: e.METRICS_PORT, host: e.METRICS_HOST } : null,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookInternalHosts: new Set(e.WEBHOOK_INTERNAL_HOSTS ? e.WEBHOOK_INTERNAL_HOSTS.split(',').map((host) => host.trim().toLowerCase()) : []),
    extensionIds: e.EXTENSION_IDS ? e.EXTENSION_IDS.split(',').map((id) => id.trim()) : BUILT_EXTENSION_IDS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    oidc,
    relayWebhooks,
    generated: { webhookSecret: !e.WEBHOOK_SECRET, adminApiKey: !e.ADMIN_API_KEY, tokenSecrets: !tokenSecrets.length },
  };
}

/**
 * Encryption in transit to the relay, as the privacy policy promises: `smtps://`, or `smtp://`
 * with STARTTLS required (`?requireTLS=true`), and the relay's certificate always verified.
 */
function relayTlsProblems(smtpUrl: string): string[] {
  const url = new URL(smtpUrl);
  const flag = (name: string) => url.searchParams.get(name)?.toLowerCase();
  const problems: string[] = [];
  if (url.protocol === 'smtp:' && flag('requireTLS') !== 'true') {
    problems.push('SMTP_URL must use smtps:// or require STARTTLS (smtp://…?requireTLS=true) in production');
  }
  if (flag('ignoreTLS') === 'true') problems.push('SMTP_URL may not set ignoreTLS in production');
  if (flag('tls.rejectUnauthorized') === 'false') {
    problems.push('SMTP_URL may not turn off certificate checks in production (trust a private CA with NODE_EXTRA_CA_CERTS instead)');
  }
  return problems;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

function parseDataKey(name: string, value: string, problems: string[]): Buffer | null {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    problems.push(`${name} must be 32 bytes in base64 (e.g. openssl rand -base64 32)`);
    return null;
  }
  return key;
}

function parseTokenSecrets(value: string, problems: string[]): TokenSecret[] {
  const secrets = value.split(',').map((pair) => {
    const at = pair.indexOf(':');
    return { kid: pair.slice(0, at).trim(), secret: pair.slice(at + 1).trim() };
  });
  for (const { kid, secret } of secrets) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) problems.push('TOKEN_SECRETS: each entry is kid:secret, kid of letters, digits, - or _');
    else if (secret.length < 32) problems.push(`TOKEN_SECRETS: the secret of "${kid}" must be at least 32 characters`);
  }
  if (new Set(secrets.map((s) => s.kid)).size !== secrets.length) problems.push('TOKEN_SECRETS: kids must be unique');
  return secrets;
}
