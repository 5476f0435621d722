import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually } from '../support/mail.js';

const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "javascript:alert(1)",
  '{{constructor.constructor("alert(1)")()}}',
];

const VALID: Record<string, Record<string, unknown>> = {
  'ticket-update': { ticketId: 'T-1', subject: 'S', status: 'Open', message: 'M', url: 'https://psa.example/t/1' },
  'invoice-receipt': { invoiceNumber: 'F-1', amount: 10, currency: 'CAD', issuedAt: '2026-11-01', url: 'https://billing.example/f/1' },
  announcement: { title: 'T', body: 'B' },
  'security-advisory': { title: 'T', severity: 'high', summary: 'S', body: 'B' },
};
const CATEGORY: Record<string, string> = {
  'ticket-update': 'ticket-updates',
  'invoice-receipt': 'invoices',
  announcement: 'service-alerts',
  'security-advisory': 'security-advisories',
};

/** No element of the payload became markup: no script, no event handler, no javascript: link. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
  expect(html).not.toMatch(/<svg/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
}

describe('script in every field that reaches an email or a page', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer('sqlite', { smtpUrl: smtp.url });
    organizationId = (await server.api.post('/api/v1/organizations', { name: '<script>alert(1)</script> Org' })).body.id;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when every text field of every template carries script, then each email arrives with it as inert text', async () => {
    let n = 0;
    for (const [template, valid] of Object.entries(VALID)) {
      for (const field of Object.keys(valid)) {
        if (['amount', 'currency', 'issuedAt', 'severity', 'url'].includes(field)) continue; // typed fields reject script outright
        const payload = XSS[n % XSS.length]!;
        const email = `xss${n++}@hostile.example`;
        await server.api.post('/api/v1/contacts', { organizationId, email, name: '<img src=x onerror=alert(1)> Ana' });
        const res = await server.api.post('/api/v1/messages', { category: CATEGORY[template], template, to: { email }, data: { ...valid, [field]: payload } });
        expect(res.status).toBe(202);
        const [mail] = await eventually(async () => smtp.to(email), (m) => m.length === 1);
        expectInert(String(mail!.parsed.html));
        // The text part is plain text: the name reads as typed, nothing HTML-escaped.
        expect(mail!.parsed.text).toContain('<img src=x onerror=alert(1)> Ana');
        expect(mail!.parsed.text).not.toContain('&lt;');
      }
    }
    expect(n).toBeGreaterThan(8);
  });

  it('when a URL field carries javascript:, then the message is refused', async () => {
    await server.api.post('/api/v1/contacts', { organizationId, email: 'jsurl@hostile.example' });
    const res = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { email: 'jsurl@hostile.example' },
      data: { ...VALID['ticket-update'], url: 'javascript:alert(1)' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('#/data/url');
  });

  it("when one contact's link is used, then only that contact changes, whatever the form says", async () => {
    const a = (await server.api.post('/api/v1/contacts', { organizationId, email: 'a@cross.example' })).body;
    const b = (await server.api.post('/api/v1/contacts', { organizationId, email: 'b@cross.example' })).body;
    const url = `${server.url}/p/${server.services.tokens.link('preferences', a.id)}`;
    const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'unsubscribe-all', contactId: b.id, sub: b.id }) });
    expect(res.status).toBe(200);
    expect(Object.values((await server.api.get(`/api/v1/contacts/${a.id}`)).body.preferences).some(Boolean)).toBe(false);
    expect((await server.api.get(`/api/v1/contacts/${b.id}`)).body.preferences['ticket-updates']).toBe(true);
    const page = await (await fetch(url)).text();
    expect(page).toContain('a@cross.example');
    expect(page).not.toContain('b@cross.example');
  });
});
