// What the console tests share: a browser with a passkey device (Chromium's virtual authenticator,
// user verification on), enrolment from a one-time link, and axe-core's serious findings.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../contract/index.js';
import { axeViolations } from '../support/axe.js';
import type { TestServer } from '../support/server.js';

/** A browser context with a platform authenticator that verifies its user (a PIN or biometric, always given). */
export async function withPasskeyDevice(browser: Browser, width = 1280, locale = 'en-CA'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { context, page };
}

/** Creates a staff member, opens their enrolment link, makes the passkey: signed in, on the dashboard. Returns the link's token. */
export async function enrol(server: TestServer, page: Page, email: string, role: Role): Promise<string> {
  const { enrolmentToken } = await server.services.staffAccounts.create(email, role);
  await page.goto(`${server.config.publicUrl}/console/enrol#${enrolmentToken}`);
  await page.getByText(email, { exact: false }).waitFor();
  await page.getByRole('button', { name: /Create my passkey|Créer ma clé d’accès/ }).click();
  await page.locator('main h1').first().waitFor();
  await page.getByRole('button', { name: /Sign out|Me déconnecter/ }).waitFor();
  return enrolmentToken;
}

/** axe-core's serious and critical findings on the page, by rule id. */
export async function axeFindings(page: Page): Promise<string[]> {
  return (await axeViolations(page, ['serious', 'critical'])).map((v) => v.id);
}

/** The signed-in session's CSRF token, as the console reads it. */
export const csrfOf = (page: Page) => page.evaluate(async () => ((await (await fetch('/console/api/session')).json()) as { csrfToken: string }).csrfToken);
