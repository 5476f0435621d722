import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_PROBLEMS } from '../../contract/index.js';
import { STORES } from '../support/stores.js';
import { seedContact, startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { codeIn, nthMailTo, SelfServiceClient, signInByMail } from './self-service-client.js';

describe.each(STORES)('signing in to the extension by emailed code on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  // Every secret seen, to check none of them reaches the logs.
  const secrets: string[] = [];
  const client = () => new SelfServiceClient(server);
  const contact = async (email: string) => {
    secrets.push(email);
    return (await seedContact(server.api, email)).contact as { id: string };
  };
  const codeRows = (contactId: string) =>
    server.testStore.store.db.selectFrom('sign_in_codes').selectAll().where('contact_id', '=', contactId).execute();
  const failuresOf = async (email: string) =>
    Number(
      (await server.testStore.store.db.selectFrom('sign_in_failures').select('failures').where('address_key', '=', server.services.fieldCrypto.emailIndex(email)).executeTakeFirst())
        ?.failures ?? 0,
    );
  /** The wait is over (as if the minutes had passed). */
  const waitOver = (email: string) =>
    server.testStore.store.db
      .updateTable('sign_in_failures')
      .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
      .where('address_key', '=', server.services.fieldCrypto.emailIndex(email))
      .execute();
  const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when a contact asks for a code and types it, then a 30-day session opens and /me answers their own data', async () => {
    const { id } = await contact('ana.signin@example.com');
    const ext = client();
    const sent = await ext.requestCode('Ana.Signin@Example.com');
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'sent' });

    const mail = await nthMailTo(smtp, 'ana.signin@example.com', 1);
    const code = codeIn(mail);
    secrets.push(code);
    expect(mail.parsed.subject).toMatch(/sign-in code/);
    const [row] = await codeRows(id);
    expect(row!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(code);

    const session = await ext.signIn('ana.signin@example.com', code);
    expect(session.status).toBe(200);
    secrets.push(session.body.token);
    const days = (Date.parse(session.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(session.headers.get('cache-control')).toBe('no-store');

    ext.token = session.body.token;
    const me = await ext.me();
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      contact: { id, email: 'ana.signin@example.com', name: 'Ana Tremblay', locale: 'en', organizationName: 'Acme Dental', orgLead: false },
      categories: server.services.categories.list,
      preferences: {
        'ticket-updates': true,
        invoices: true,
        'security-advisories': true,
        'service-alerts': true,
        marketing: false,
      },
      locked: [],
      advisoryThreshold: 'all',
      ticketDelivery: 'immediate',
      // What the extension shows under the switches, in both languages, and sends back with each change.
      consentWording: {
        version: 'extension@1',
        text: {
          en: 'Switching a category on is your express consent to receive those emails from SERVEITPRO; switching it off withdraws it. Some categories start only once you confirm from your inbox.',
          fr: 'Activer une catégorie constitue votre consentement exprès à recevoir ces courriels de SERVEITPRO; la désactiver retire ce consentement. Certaines catégories ne commencent qu’une fois confirmées depuis votre boîte de réception.',
        },
      },
      pending: [],
    });
    expect(me.body.categories.map((c: { key: string; basis: string }) => [c.key, c.basis])).toEqual([
      ['ticket-updates', 'exempt'],
      ['invoices', 'exempt'],
      ['security-advisories', 'implied-relationship'],
      ['service-alerts', 'implied-relationship'],
      ['marketing', 'express'],
    ]);
    const sessions = await server.testStore.store.db.selectFrom('sessions').selectAll().where('contact_id', '=', id).execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.revoked_at).toBeNull();
  });

  it('when an unknown address asks for a code, then it gets the same 202 and no email is queued', async () => {
    secrets.push('nobody.here@example.com');
    const before = await server.testStore.store.db.selectFrom('messages').select('id').execute();
    const res = await client().requestCode('nobody.here@example.com');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'sent' });
    await server.services.selfService.idle();
    const after = await server.testStore.store.db.selectFrom('messages').select('id').execute();
    expect(after).toHaveLength(before.length);
    expect(smtp.to('nobody.here@example.com')).toHaveLength(0);
  });

  it('when the code is wrong, or the address unknown, then 401 wrong-code, the same answer for both', async () => {
    const { id } = await contact('wrong.code@example.com');
    const ext = client();
    await ext.requestCode('wrong.code@example.com');
    const code = codeIn(await nthMailTo(smtp, 'wrong.code@example.com', 1));
    secrets.push(code);
    const wrong = await ext.signIn('wrong.code@example.com', code === '000000' ? '000001' : '000000');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(wrong.body.type).toBe(SIGN_IN_PROBLEMS.wrongCode);

    const unknown = await ext.signIn('never.seen@example.com', code);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const noCode = await ext.signIn('ana.signin@example.com', '123456');
    expect(noCode.body).toEqual(wrong.body);
    // Counted per address, known or not.
    expect(await failuresOf('wrong.code@example.com')).toBe(1);
    expect(await failuresOf('never.seen@example.com')).toBe(1);
    expect((await codeRows(id))).toHaveLength(1);
  });

  it('when five wrong codes were tried, then the address waits a minute: 429 with Retry-After even for the right code, and a new code does not end the wait', async () => {
    await contact('locked.out@example.com');
    const ext = client();
    await ext.requestCode('locked.out@example.com');
    const code = codeIn(await nthMailTo(smtp, 'locked.out@example.com', 1));
    secrets.push(code);
    const statuses: number[] = [];
    const triesLeft: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ext.signIn('locked.out@example.com', wrongFor(code));
      statuses.push(res.status);
      triesLeft.push(res.body.triesLeft);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // The extension warns from the second wrong code on: four, three, two, then the last try.
    expect(triesLeft).toEqual([4, 3, 2, 1, undefined]);

    const right = await ext.signIn('locked.out@example.com', code);
    expect(right.status).toBe(429);
    expect(right.body.type).toBe(SIGN_IN_PROBLEMS.tooManyAttempts);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(right.body.detail).toMatch(/new code does not shorten the wait/);

    await ext.requestCode('locked.out@example.com');
    const fresh = codeIn(await nthMailTo(smtp, 'locked.out@example.com', 2));
    secrets.push(fresh);
    expect((await ext.signIn('locked.out@example.com', fresh)).status).toBe(429);
    await waitOver('locked.out@example.com');
    expect((await ext.signIn('locked.out@example.com', fresh)).status).toBe(200);
    expect(await failuresOf('locked.out@example.com')).toBe(0);
  });

  it('when wrong codes go on after each wait, then each wait doubles and the tenth wrong code in a day locks the address until that day is over', async () => {
    const email = 'slow.guesser@example.com';
    await contact(email);
    const ext = client();
    await ext.requestCode(email);
    const code = codeIn(await nthMailTo(smtp, email, 1));
    secrets.push(code);
    for (let i = 0; i < 4; i++) expect((await ext.signIn(email, wrongFor(code))).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await ext.signIn(email, wrongFor(code));
      expect(res.status).toBe(429);
      waits.push(Number(res.headers.get('retry-after')));
      if (i < 5) await waitOver(email);
    }
    expect(waits.slice(0, 5).map((w) => Math.round(w / 60))).toEqual([1, 2, 4, 8, 16]);
    expect(waits[5]).toBeGreaterThan(23 * 3600);
    expect(await failuresOf(email)).toBe(10);
    // Locked, the right code is refused and the try is not even counted.
    expect((await ext.signIn(email, code)).status).toBe(429);
    expect(await failuresOf(email)).toBe(10);
  });

  it('when an unknown address is guessed at, then every answer is the one a known address gets: nothing tells whether it is a contact', async () => {
    await contact('known.twin@example.com');
    const ext = client();
    await ext.requestCode('known.twin@example.com');
    const code = codeIn(await nthMailTo(smtp, 'known.twin@example.com', 1));
    secrets.push(code);
    const answers = async (email: string, guess: string) => {
      const seen: { status: number; body: unknown; waitMinutes: number | null }[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await ext.signIn(email, guess);
        const retryAfter = res.headers.get('retry-after');
        seen.push({ status: res.status, body: res.body, waitMinutes: retryAfter === null ? null : Math.round(Number(retryAfter) / 60) });
      }
      return seen;
    };
    const known = await answers('known.twin@example.com', wrongFor(code));
    const unknown = await answers('unknown.twin@example.com', wrongFor(code));
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 429, 429, 429]);
    expect(unknown).toEqual(known);
  });

  it('when guesses race, then no more than five are counted against the address', async () => {
    const { id } = await contact('racing@example.com');
    const ext = client();
    await ext.requestCode('racing@example.com');
    const code = codeIn(await nthMailTo(smtp, 'racing@example.com', 1));
    secrets.push(code);
    const wrongCode = String((Number(code) + 7) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(Array.from({ length: 12 }, () => ext.signIn('racing@example.com', wrongCode)));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(4).fill(401), ...Array(8).fill(429)]);
    expect(await failuresOf('racing@example.com')).toBe(5);
    expect(await codeRows(id)).toHaveLength(1);
    expect((await ext.signIn('racing@example.com', code)).status).toBe(429);
  });

  it('when the code has expired, then the right code answers 401 wrong-code', async () => {
    const { id } = await contact('expired.code@example.com');
    const ext = client();
    await ext.requestCode('expired.code@example.com');
    const code = codeIn(await nthMailTo(smtp, 'expired.code@example.com', 1));
    secrets.push(code);
    const past = new Date(Date.now() - 1000).toISOString();
    await server.testStore.store.db.updateTable('sign_in_codes').set({ expires_at: past }).where('contact_id', '=', id).execute();
    const res = await ext.signIn('expired.code@example.com', code);
    expect(res.status).toBe(401);
    expect(res.body.type).toBe(SIGN_IN_PROBLEMS.wrongCode);
  });

  it('when a code was used once, then it does not open a second session', async () => {
    await contact('single.use@example.com');
    const ext = client();
    const { code, token } = await signInByMail(ext, smtp, 'single.use@example.com');
    secrets.push(code, token);
    const again = await ext.signIn('single.use@example.com', code);
    expect(again.status).toBe(401);
    expect(again.body.type).toBe(SIGN_IN_PROBLEMS.wrongCode);
  });

  it('when a new code is asked for, then the older unused one stops working', async () => {
    await contact('two.codes@example.com');
    const ext = client();
    await ext.requestCode('two.codes@example.com');
    const first = codeIn(await nthMailTo(smtp, 'two.codes@example.com', 1));
    await ext.requestCode('two.codes@example.com');
    const second = codeIn(await nthMailTo(smtp, 'two.codes@example.com', 2));
    secrets.push(first, second);
    if (first !== second) expect((await ext.signIn('two.codes@example.com', first)).status).toBe(401);
    expect((await ext.signIn('two.codes@example.com', second)).status).toBe(200);
  });

  it('when one address asks for a sixth code within 15 minutes, then 429 with Retry-After, whatever the client address', async () => {
    secrets.push('rate.limited@example.com');
    for (let i = 0; i < 5; i++) expect((await client().requestCode('Rate.Limited@example.com')).status).toBe(202);
    const limited = await client().requestCode('rate.limited@example.com');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The limiter's key is a hash: the address is not in its headers.
    expect(limited.headers.get('ratelimit-policy') ?? '').not.toContain('rate.limited');
    expect((await client().requestCode('another.address@example.com')).status).toBe(202);
  });

  it('when one client address asks for codes for 21 addresses, then the 21st is refused with 429', async () => {
    const ext = client();
    for (let i = 0; i < 20; i++) expect((await ext.requestCode(`spray${i}@example.com`)).status).toBe(202);
    const limited = await ext.requestCode('spray20@example.com');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    expect((await client().requestCode('spray21@example.com')).status).toBe(202);
  });

  it('when the body is not valid, then 400 naming the field; when it is not JSON, then 415', async () => {
    const ext = client();
    const badEmail = await ext.requestCode('not-an-address');
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors).toEqual([{ pointer: '#/email', detail: expect.any(String) }]);
    const extra = await ext.request('POST', '/api/v1/session/code', { email: 'a@example.com', admin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ pointer: '#/admin', detail: 'Unknown field.' }]);
    const shortCode = await ext.signIn('a@example.com', '12345');
    expect(shortCode.status).toBe(400);
    const form = await server.api.as(null).request('POST', '/api/v1/session', {
      body: 'email=a%40example.com&code=123456',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
  });

  it('when all of this has run, then no code, address or token appears in the logs', async () => {
    await server.services.selfService.idle();
    const logs = server.logs.join('\n');
    expect(server.logs.length).toBeGreaterThan(10);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/@example\.com/);
  });
});
