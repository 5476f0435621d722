import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { navigating } from '../support/pages.js';
import { startServer, type TestServer } from '../support/server.js';
import { longAddress } from './link-page-world.js';

describe('the dev mailbox page', () => {
  let server: TestServer;
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    // No SMTP_URL: every message is kept by the dev mailbox, as `npm start` does.
    server = await startServer('sqlite', { worker: true });
    browser = await launchChromium();
    const org = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavoie' })).body.id;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: longAddress('dev-mailbox') })).body;
    const queued = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-9', subject: 'VPN down', status: 'Open', message: 'Fixed <b>soon</b> & see https://status.example/incidents/42.' },
    });
    expect(queued.status).toBe(202);
    const dir = path.join(server.config.dataDir, 'mail');
    file = (await eventually(async () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : []), (files) => files.length === 1))[0]!;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('when a message is shown, then its text part is escaped and its http(s) URLs are links', async () => {
    const html = await (await fetch(`${server.url}/dev/mail/${file}`)).text();
    const text = /<h2>Text<\/h2><pre>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? '';
    expect(text).toContain('Fixed &lt;b>soon&lt;/b> &amp; see');
    expect(text).not.toContain('<b>');
    expect(text).toContain('<a href="https://status.example/incidents/42" rel="noreferrer">https://status.example/incidents/42</a>.');
    const pageLinks = [...text.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!).filter((href) => href.startsWith(`${server.url}/u/`) || href.startsWith(`${server.url}/p/`));
    expect(pageLinks.length).toBeGreaterThanOrEqual(2);
  });

  it('when its HTML part is served, then it carries <base target="_blank"> and a sandbox that lets links open outside it', async () => {
    const res = await fetch(`${server.url}/dev/mail/${file}/html`);
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox allow-popups allow-popups-to-escape-sandbox;/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/allow-scripts|allow-same-origin/);
    expect(await res.text()).toMatch(/<head[^>]*><base target="_blank">/i);
  });

  it.each([375, 1280])('when the list and a message are opened at %i px, then nothing scrolls sideways, the whole frame shows, and a link in the email opens the link page in a new tab', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    await page.goto(`${server.url}/dev/mail`);
    expect(await fits()).toBe(true);
    await navigating(page, () => page.getByRole('link', { name: /VPN down/ }).click());
    expect(await fits()).toBe(true);
    const frame = page.frameLocator('iframe[title="HTML part"]');
    const unsubscribe = frame.getByRole('link', { name: /Unsubscribe/ }).first();
    await unsubscribe.waitFor();
    // The whole email is reachable: the footer's last link scrolls into the frame's view.
    const lastLink = frame.getByRole('link').last();
    await lastLink.scrollIntoViewIfNeeded();
    const [inner, outer] = [await lastLink.boundingBox(), await page.locator('iframe[title="HTML part"]').boundingBox()];
    expect(inner!.y).toBeGreaterThanOrEqual(outer!.y);
    expect(inner!.y + inner!.height).toBeLessThanOrEqual(outer!.y + outer!.height);
    await page.screenshot({ path: `/tmp/pages-shots/dev-mailbox-message-${width}.png`, fullPage: true });
    const [tab] = await Promise.all([context.waitForEvent('page'), unsubscribe.click()]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toMatch(/^\/u\//);
    expect(await tab.getByRole('heading', { level: 1 }).textContent()).toContain('Unsubscribe from “Ticket updates”?');
    await context.close();
  }, 90_000);
});
