import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'consent-config-'));

describe('configuration', () => {
  it('when nothing is set, then it runs on embedded defaults with dev secrets kept under the data folder', () => {
    const dir = tmp();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      databaseUrl: `sqlite:${path.join(dir, 'consent.db')}`,
      smtpUrl: null,
      mailFrom: 'SERVEITPRO <no-reply@localhost>',
      worker: true,
      sendConcurrency: 5,
      sendRate: 0,
    });
    expect(loadConfig({ DATA_DIR: dir }).adminApiKey).toBe(config.adminApiKey);
    expect(fs.statSync(path.join(dir, 'dev-secrets.json')).mode & 0o077).toBe(0);
  });

  it('when in production without secrets, with an http URL or the dev mailbox, then it refuses, naming each problem', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(
      /TOKEN_SECRETS is required[\s\S]*WEBHOOK_SECRET is required[\s\S]*ADMIN_API_KEY is required[\s\S]*PUBLIC_URL is required[\s\S]*SMTP_URL is required/,
    );
    const complete = {
      NODE_ENV: 'production',
      TOKEN_SECRETS: 'a:0123456789abcdef0123456789abcdef,b:fedcba9876543210fedcba9876543210',
      WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      ADMIN_API_KEY: 'sk_0123456789abcdef0123',
      PUBLIC_URL: 'https://mail.serveitpro.example',
      SMTP_URL: 'smtps://user:pass@smtp.example:465',
      BRAND_POSTAL_ADDRESS: '500 Grande Allée, Québec (Québec) G1R 2J5',
      DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    expect(loadConfig(complete).tokenSecrets.map((s) => s.kid)).toEqual(['a', 'b']);
    expect(() => loadConfig({ ...complete, PUBLIC_URL: 'http://mail.serveitpro.example' })).toThrow(/PUBLIC_URL must be https/);
  });

  it('when values are malformed, then it says which', () => {
    expect(() => loadConfig({ DATA_DIR: tmp(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: tmp(), TOKEN_SECRETS: 'short:abc' })).toThrow(/at least 32/);
    expect(() => loadConfig({ DATA_DIR: tmp(), WORKER: 'maybe' })).toThrow(/WORKER/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DATA_KEY: 'c2hvcnQ=' })).toThrow(/DATA_KEY must be 32 bytes/);
  });
});
