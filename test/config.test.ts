import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configure } from '../server/config/config.js';
import { BUILT_EXTENSION_IDS, chromiumExtensionId } from '../server/config/extension-ids.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'consent-config-'));

/** A complete production configuration, with secrets made once by crypto.randomBytes. */
const complete = {
  NODE_ENV: 'production',
  TOKEN_SECRETS: 'a:TwqBpD5uNMcIoXJS3agyH4S3w7lUIAMbaYDGjG2Fba4,b:_DMRn8EfHbGrgJp4eK0dNs46yhFjMZrSDVXpqEF8kAE',
  WEBHOOK_SECRET: 'whsec_qjDKJvIs859BOlZyAfaKEyYD4l2IIZ2eFrIrKDgpWU4',
  ADMIN_API_KEY: 'sk_qPs6eDBTuxmV-Bf4psJ5E9VF7N2hB8wOUdQxNvftp_0',
  PUBLIC_URL: 'https://mail.serveitpro.example',
  SMTP_URL: 'smtps://user:pass@smtp.example:465',
  BRAND_POSTAL_ADDRESS: '500 Grande Allée, Québec (Québec) G1R 2J5',
  BRAND_PHONE: '+1 418 555-0100',
  DATA_KEY: '38/EegygYndjPLFJrq8ZVFytI9CLfmo6cW2rocnZfxw=',
};

describe('configuration', () => {
  it('when nothing is set, then it runs on embedded defaults with dev secrets kept under the data folder', () => {
    const dir = tmp();
    const config = configure({ DATA_DIR: dir });
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
    expect(configure({ DATA_DIR: dir }).adminApiKey).toBe(config.adminApiKey);
    expect(fs.statSync(path.join(dir, 'dev-secrets.json')).mode & 0o077).toBe(0);
  });

  it('when in production without secrets, with an http URL or the dev mailbox, then it refuses, naming each problem', () => {
    expect(() => configure({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(
      /TOKEN_SECRETS is required[\s\S]*WEBHOOK_SECRET is required[\s\S]*ADMIN_API_KEY is required[\s\S]*PUBLIC_URL is required[\s\S]*SMTP_URL is required/,
    );
    expect(configure(complete).tokenSecrets.map((s) => s.kid)).toEqual(['a', 'b']);
    expect(() => configure({ ...complete, PUBLIC_URL: 'http://mail.serveitpro.example' })).toThrow(/PUBLIC_URL must be https/);
  });

  it('when in production with weak secrets, then it refuses, naming each secret and why', () => {
    const weak = { ...complete, ADMIN_API_KEY: 'aaaaaaaaaaaaaaaa', WEBHOOK_SECRET: 'x'.repeat(32), DATA_KEY: Buffer.alloc(32).toString('base64') };
    expect(() => configure(weak)).toThrow(
      /✖ ADMIN_API_KEY is one short pattern repeated[\s\S]*✖ WEBHOOK_SECRET is one short pattern repeated[\s\S]*✖ DATA_KEY is one short pattern repeated/,
    );
    expect(() => configure({ ...complete, WEBHOOK_SECRET: 'abcabcabcabcabcabcabcabcabcabcab' })).toThrow(
      /✖ WEBHOOK_SECRET has only 3 distinct characters \(at least 8 needed\)/,
    );
    expect(() => configure({ ...complete, WEBHOOK_SECRET: 'whsec_0123456789abcdef' })).toThrow(
      /✖ WEBHOOK_SECRET is too predictable \(about 94 bits; make one with `openssl rand -base64 32`\)/,
    );
    expect(() => configure({ ...complete, TOKEN_SECRETS: 'a:0123456789abcdef0123456789abcdef' })).toThrow(
      /✖ TOKEN_SECRETS \(kid "a"\) is one short pattern repeated/,
    );
    expect(() => configure({ ...complete, DATA_KEY_PREVIOUS: Buffer.alloc(32, 7).toString('base64') })).toThrow(
      /✖ DATA_KEY_PREVIOUS is one short pattern repeated/,
    );
  });

  it('when in production one secret serves two purposes, then it refuses, naming both', () => {
    const { ADMIN_API_KEY, WEBHOOK_SECRET, DATA_KEY } = complete;
    expect(() => configure({ ...complete, WEBHOOK_SECRET: ADMIN_API_KEY })).toThrow(/✖ ADMIN_API_KEY and WEBHOOK_SECRET hold the same secret/);
    expect(() => configure({ ...complete, TOKEN_SECRETS: `a:${WEBHOOK_SECRET}` })).toThrow(
      /✖ WEBHOOK_SECRET and TOKEN_SECRETS \(kid "a"\) hold the same secret/,
    );
    const same = crypto.randomBytes(32).toString('base64url');
    expect(() => configure({ ...complete, TOKEN_SECRETS: `a:${same},b:${same}` })).toThrow(
      /✖ TOKEN_SECRETS \(kid "a"\) and TOKEN_SECRETS \(kid "b"\) hold the same secret/,
    );
    expect(() => configure({ ...complete, DATA_KEY_PREVIOUS: DATA_KEY })).toThrow(/✖ DATA_KEY and DATA_KEY_PREVIOUS hold the same secret/);
    // The same key bytes, spelt in hex rather than base64.
    const hex = Buffer.from(DATA_KEY, 'base64').toString('hex');
    expect(() => configure({ ...complete, TOKEN_SECRETS: `a:${hex}` })).toThrow(/✖ TOKEN_SECRETS \(kid "a"\) and DATA_KEY hold the same secret/);
  });

  it('when in production every secret is random, then it accepts them', () => {
    for (let i = 0; i < 20; i++) {
      const random = (n: number) => crypto.randomBytes(n).toString('base64url');
      const config = configure({
        ...complete,
        TOKEN_SECRETS: `a:${random(32)},b:${crypto.randomBytes(32).toString('hex')}`,
        WEBHOOK_SECRET: `whsec_${random(32)}`,
        ADMIN_API_KEY: `sk_${random(32)}`,
        DATA_KEY: crypto.randomBytes(32).toString('base64'),
        DATA_KEY_PREVIOUS: crypto.randomBytes(32).toString('base64'),
      });
      expect(config.production).toBe(true);
    }
  });

  it('when in production the relay is smtp:// without required STARTTLS, or its certificate goes unchecked, then it refuses; smtps:// and required STARTTLS pass', () => {
    expect(() => configure({ ...complete, SMTP_URL: 'smtp://user:pass@smtp.example:587' })).toThrow(/SMTP_URL must use smtps:\/\/ or require STARTTLS/);
    expect(() => configure({ ...complete, SMTP_URL: 'smtp://smtp.example:587?requireTLS=false' })).toThrow(/require STARTTLS/);
    expect(() => configure({ ...complete, SMTP_URL: 'smtps://smtp.example:465?tls.rejectUnauthorized=false' })).toThrow(/may not turn off certificate checks[\s\S]*NODE_EXTRA_CA_CERTS/);
    expect(() => configure({ ...complete, SMTP_URL: 'smtp://smtp.example:587?requireTLS=true&ignoreTLS=true' })).toThrow(/may not set ignoreTLS/);
    expect(configure({ ...complete, SMTP_URL: 'smtp://user:pass@smtp.example:587?requireTLS=true' }).smtpUrl).toBe('smtp://user:pass@smtp.example:587?requireTLS=true');
    expect(configure(complete).smtpUrl).toBe(complete.SMTP_URL);
    // Development keeps a plain loopback relay.
    const { NODE_ENV: _production, ...development } = complete;
    expect(configure({ ...development, SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
  });

  it('when BOUNCE_DOMAIN and INBOUND_SMTP_PORT are set, then bounces are collected there; a bounce domain that is not a domain is refused', () => {
    const config = configure({ ...complete, BOUNCE_DOMAIN: 'Bounces.MSP.example', INBOUND_SMTP_PORT: '2526' });
    expect(config.bounceDomain).toBe('bounces.msp.example');
    expect(config.inboundSmtp).toEqual({ port: 2526, host: '127.0.0.1' });
    expect(configure(complete)).toMatchObject({ bounceDomain: null, inboundSmtp: null });
    expect(() => configure({ ...complete, BOUNCE_DOMAIN: 'bounces@msp.example' })).toThrow(/BOUNCE_DOMAIN/);
  });

  it('when METRICS_PORT is set, then metrics get a port of their own, on loopback by default; beyond loopback only with METRICS_TOKEN', () => {
    expect(configure(complete).metricsPort).toBeNull();
    expect(configure({ ...complete, METRICS_PORT: '9464' }).metricsPort).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(() => configure({ ...complete, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_TOKEN is required when METRICS_PORT listens beyond loopback/);
    const token = crypto.randomBytes(32).toString('base64url');
    expect(configure({ ...complete, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: token }).metricsPort).toEqual({ port: 9464, host: '0.0.0.0' });
  });

  it('when in production no phone, contact email or website is set beside the postal address, then it refuses (CASL); any one of them is enough', () => {
    const { BRAND_PHONE: _phone, ...postalOnly } = complete;
    expect(() => configure(postalOnly)).toThrow(/✖ BRAND_PHONE, BRAND_CONTACT_EMAIL or BRAND_WEBSITE_URL is required in production/);
    expect(configure({ ...postalOnly, BRAND_PHONE: '+1 418 555-0100 poste 12' }).brand.phone).toBe('+1 418 555-0100 poste 12');
    expect(configure({ ...postalOnly, BRAND_CONTACT_EMAIL: 'info@serveitpro.example' }).brand.contactEmail).toBe('info@serveitpro.example');
    expect(configure({ ...postalOnly, BRAND_WEBSITE_URL: 'https://serveitpro.example' }).brand.websiteUrl).toBe('https://serveitpro.example');
    expect(() => configure({ ...complete, BRAND_PHONE: 'call us' })).toThrow(/BRAND_PHONE/);
    expect(() => configure({ ...complete, BRAND_CONTACT_EMAIL: 'info at serveitpro' })).toThrow(/BRAND_CONTACT_EMAIL/);
    // Development keeps its placeholder sender.
    const { NODE_ENV: _production, ...development } = postalOnly;
    expect(configure({ ...development, DATA_DIR: tmp() }).production).toBe(false);
  });

  it('when in production the brand logo or website is http:, then it refuses, naming each; https passes, and development keeps http', () => {
    expect(() => configure({ ...complete, BRAND_LOGO_URL: 'http://serveitpro.example/logo.png', BRAND_WEBSITE_URL: 'http://serveitpro.example' })).toThrow(
      /✖ BRAND_LOGO_URL must be https: in production[\s\S]*✖ BRAND_WEBSITE_URL must be https: in production/,
    );
    expect(configure({ ...complete, BRAND_LOGO_URL: 'https://serveitpro.example/logo.png' }).brand.logoUrl).toBe('https://serveitpro.example/logo.png');
    const { NODE_ENV: _production, ...development } = complete;
    expect(configure({ ...development, BRAND_WEBSITE_URL: 'http://localhost:8080' }).brand.websiteUrl).toBe('http://localhost:8080');
  });

  it('when FEEDBACK_ID_SENDER is not set, then the sender id of Feedback-ID is the brand name in ASCII, else the sender domain; a malformed one is refused', () => {
    expect(configure(complete).feedbackSenderId).toBe('serveitpro');
    expect(configure({ ...complete, BRAND_NAME: 'Équipe TI Lévis' }).feedbackSenderId).toBe('equipetilevis');
    expect(configure({ ...complete, BRAND_NAME: 'TI', MAIL_FROM: 'TI <no-reply@ti-levis.example>' }).feedbackSenderId).toBe('ti-levis');
    expect(configure({ ...complete, FEEDBACK_ID_SENDER: 'msp-2026' }).feedbackSenderId).toBe('msp-2026');
    expect(() => configure({ ...complete, FEEDBACK_ID_SENDER: 'a:b' })).toThrow(/FEEDBACK_ID_SENDER/);
    expect(() => configure({ ...complete, FEEDBACK_ID_SENDER: 'serveitpro-mail-2026' })).toThrow(/FEEDBACK_ID_SENDER/);
  });

  it('when not in production, then weak fixed secrets are still accepted', () => {
    const { NODE_ENV: _production, ...development } = complete;
    const config = configure({
      ...development,
      DATA_DIR: tmp(),
      TOKEN_SECRETS: 'a:0123456789abcdef0123456789abcdef,b:0123456789abcdef0123456789abcdef',
      WEBHOOK_SECRET: 'aaaaaaaaaaaaaaaa',
      ADMIN_API_KEY: 'aaaaaaaaaaaaaaaa',
      DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_KEY_PREVIOUS: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(config.production).toBe(false);
    expect(config.dataKey).toEqual(Buffer.alloc(32, 7));
  });

  it('when values are malformed, then it says which', () => {
    expect(() => configure({ DATA_DIR: tmp(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => configure({ DATA_DIR: tmp(), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => configure({ DATA_DIR: tmp(), TOKEN_SECRETS: 'short:abc' })).toThrow(/at least 32/);
    expect(() => configure({ DATA_DIR: tmp(), WORKER: 'maybe' })).toThrow(/WORKER/);
    expect(() => configure({ DATA_DIR: tmp(), DATA_KEY: 'c2hvcnQ=' })).toThrow(/DATA_KEY must be 32 bytes/);
  });

  it('when OIDC_ISSUER is set, then single sign-on needs its client and a role map of real roles, over https in production; without it, the other OIDC variables are refused', () => {
    const dir = tmp();
    expect(configure({ DATA_DIR: dir }).oidc).toBeNull();
    const sso = { OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0', OIDC_CLIENT_ID: 'app-id', OIDC_CLIENT_SECRET: 'Xq8~Rk2.Vb7_Np4-Lm9zTw3yHc6jGf1sDa5eUo0iKQ', OIDC_ROLE_MAP: 'Console.Admin=admin, Console.Support=support' };
    const oidc = configure({ ...complete, ...sso }).oidc!;
    expect(oidc).toMatchObject({ issuer: sso.OIDC_ISSUER, clientId: 'app-id', roleClaim: 'roles', label: null, mfaAmr: ['mfa'] });
    expect([...oidc.roleMap]).toEqual([
      ['Console.Admin', 'admin'],
      ['Console.Support', 'support'],
    ]);
    expect(configure({ DATA_DIR: dir, ...sso, OIDC_MFA_AMR: '' }).oidc!.mfaAmr).toEqual([]);
    expect(() => configure({ DATA_DIR: dir, OIDC_ISSUER: sso.OIDC_ISSUER })).toThrow(/OIDC_CLIENT_ID is required with OIDC_ISSUER[\s\S]*OIDC_CLIENT_SECRET is required[\s\S]*OIDC_ROLE_MAP is required/);
    expect(() => configure({ DATA_DIR: dir, ...sso, OIDC_ROLE_MAP: 'Console.Admin=root,Console.Support' })).toThrow(/OIDC_ROLE_MAP: "root" is not a role \(admin, sender, support\)[\s\S]*"Console.Support" is not claim-value=role/);
    expect(() => configure({ ...complete, ...sso, OIDC_ISSUER: 'http://idp.example' })).toThrow(/OIDC_ISSUER must be https: in production/);
    expect(() => configure({ ...complete, ...sso, OIDC_CLIENT_SECRET: 'secret-secret-secret' })).toThrow(/OIDC_CLIENT_SECRET has only 6 distinct characters/);
    expect(() => configure({ DATA_DIR: dir, OIDC_CLIENT_ID: 'app-id' })).toThrow(/OIDC_CLIENT_ID set without OIDC_ISSUER/);
  });

  it('when EXTENSION_IDS is not set, then only the extension this repository builds may use CORS; when set, exactly the ids listed', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'manifest.json'), 'utf8')) as { key: string };
    expect(BUILT_EXTENSION_IDS).toEqual([chromiumExtensionId(manifest.key)]);
    expect(BUILT_EXTENSION_IDS[0]).toMatch(/^[a-p]{32}$/);
    expect(configure({ DATA_DIR: tmp() }).extensionIds).toEqual(BUILT_EXTENSION_IDS);
    expect(configure({ DATA_DIR: tmp(), EXTENSION_IDS: 'abcdefghijklmnopabcdefghijklmnop, 2f0a6a4e-1c1b-4b8e-9a57-0c1f6f0e4d11' }).extensionIds).toEqual([
      'abcdefghijklmnopabcdefghijklmnop',
      '2f0a6a4e-1c1b-4b8e-9a57-0c1f6f0e4d11',
    ]);
    expect(() => configure({ DATA_DIR: tmp(), EXTENSION_IDS: 'chrome-extension://abc' })).toThrow(/EXTENSION_IDS/);
  });
});
