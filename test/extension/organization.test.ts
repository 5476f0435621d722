// An organization's locks as its staff and its lead meet them: the built extension in headless
// Chromium, the real server and worker on a real store, codes read from a real SMTP server's mail.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreKind } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText, signInThroughPopup } from './popup-sign-in.js';

const root = resolve(import.meta.dirname, '..', '..');
const categories = JSON.parse(readFileSync(resolve(root, 'server', 'consent', 'categories.json'), 'utf8')) as {
  key: string;
  description: { en: string; fr: string };
}[];
const descriptionOf = (key: string, lang: 'en' | 'fr') => categories.find((c) => c.key === key)!.description[lang];

const ORGANIZATION = 'Clinique Boréale';
const RUNS: {
  kind: StoreKind;
  lang: 'en' | 'fr';
  requiredBy: string;
  labels: Record<'ticket-updates' | 'invoices' | 'security-advisories' | 'service-alerts' | 'marketing', string>;
}[] = [
  {
    kind: 'sqlite',
    lang: 'en',
    requiredBy: 'Required by Clinique Boréale',
    labels: {
      'ticket-updates': 'Ticket updates',
      invoices: 'Invoices and receipts',
      'security-advisories': 'Security advisories',
      'service-alerts': 'Service alerts',
      marketing: 'News and offers',
    },
  },
  {
    kind: 'postgres',
    lang: 'fr',
    requiredBy: 'Exigé par Clinique Boréale',
    labels: {
      'ticket-updates': 'Suivi des demandes',
      invoices: 'Factures et reçus',
      'security-advisories': 'Avis de sécurité',
      'service-alerts': 'Alertes de service',
      marketing: 'Nouvelles et offres',
    },
  },
];

/** The words an element's aria-describedby points to, as a screen reader reads them. */
const accessibleDescription = (element: Locator) =>
  element.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .join(' '),
  );

describe.each(RUNS)('an organization’s locks in the extension ($lang, $kind)', ({ kind, lang, requiredBy, labels }) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;
  const text = extensionText(lang);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });


  it('when an admin locks a category, then the popup shows it on and disabled, required by the organization; and the lead locks another from the options page and turns it off for staff who have not chosen', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: ORGANIZATION, locale: lang })).body;
    const staff = (await server.api.post('/api/v1/contacts', { organizationId: org.id, email: `staff.${lang}@example.com`, name: 'Alex Martin' })).body;
    const lead = (await server.api.post('/api/v1/contacts', { organizationId: org.id, email: `lead.${lang}@example.com`, name: 'Lou Tremblay', orgLead: true }))
      .body;
    expect(lead.orgLead).toBe(true);
    expect(staff.orgLead).toBe(false);
    const preferencesOf = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}`)).body.preferences;

    const locked = await server.api.put(`/api/v1/organizations/${org.id}/policy`, { 'security-advisories': { locked: true } });
    expect(locked.status).toBe(200);
    expect(locked.body['security-advisories']).toEqual({ default: null, locked: true });

    launched = await launchExtension({ serverUrl: server.url, ...(lang === 'fr' ? { lang } : {}) });
    const popup = await launched.context.newPage();
    await popup.goto(launched.url('popup.html'));
    await signInThroughPopup(popup, smtp, staff.email, text);

    const advisories = popup.getByRole('switch', { name: labels['security-advisories'], exact: true });
    expect(await advisories.getAttribute('aria-checked')).toBe('true');
    expect(await advisories.isDisabled()).toBe(true);
    expect(await popup.locator('li.preference', { has: advisories }).locator('.preference-required').textContent()).toBe(requiredBy);
    expect(await accessibleDescription(advisories)).toBe(`${descriptionOf('security-advisories', lang)} ${requiredBy}`);
    const alerts = popup.getByRole('switch', { name: labels['service-alerts'], exact: true });
    expect(await alerts.isEnabled()).toBe(true);
    expect(await alerts.getAttribute('aria-checked')).toBe('true');
    expect(await popup.locator('.preference-required').count()).toBe(1);

    // Unsubscribe from all leaves the locked category out: the server takes the rest.
    await popup.getByRole('button', { name: text('prefs_unsubscribe_all'), exact: true }).click();
    await popup.getByRole('status').getByText(text('prefs_saved'), { exact: true }).waitFor();
    expect(await preferencesOf(staff.id)).toEqual({
      'ticket-updates': false,
      invoices: false,
      'security-advisories': true,
      'service-alerts': false,
      marketing: false,
    });
    expect(await advisories.getAttribute('aria-checked')).toBe('true');
    expect(await advisories.isDisabled()).toBe(true);
    expect(await alerts.getAttribute('aria-checked')).toBe('false');

    // The lead signs in in the same browser and opens the options page.
    await popup.getByRole('button', { name: text('prefs_sign_out'), exact: true }).click();
    await signInThroughPopup(popup, smtp, lead.email, text);
    const options = await launched.context.newPage();
    await options.goto(launched.url('options.html'));
    const section = options.getByRole('region', { name: text('options_org_heading'), exact: true });
    const lockOf = (key: keyof typeof labels) =>
      section.getByRole('group', { name: labels[key], exact: true }).getByRole('checkbox', { name: text('options_org_lock_label'), exact: true });
    await lockOf('service-alerts').waitFor();
    expect(await lockOf('security-advisories').isChecked()).toBe(true);
    expect(await lockOf('service-alerts').isChecked()).toBe(false);
    expect(await lockOf('ticket-updates').isChecked()).toBe(false);
    expect(await lockOf('invoices').isChecked()).toBe(false);
    expect(await section.getByRole('group', { name: labels.marketing, exact: true }).count()).toBe(0);
    expect(await section.getByRole('checkbox').count()).toBe(4);
    const defaultOf = (key: keyof typeof labels) =>
      section.getByRole('group', { name: labels[key], exact: true }).getByRole('combobox', { name: text('options_org_default_label'), exact: true });
    expect(await section.getByRole('combobox').count()).toBe(4);
    expect(await defaultOf('service-alerts').locator('option:checked').textContent()).toBe(text('options_org_default_usual'));

    const staffRow = section.getByRole('row').filter({ has: options.getByRole('rowheader', { name: 'Alex Martin', exact: true }) });
    const cellsOf = (row: Locator) => row.locator('td .visually-hidden').allTextContents();
    const receivesNow = [text('options_org_does_not_receive'), text('options_org_does_not_receive'), text('options_org_receives')];
    expect(await cellsOf(staffRow)).toEqual([...receivesNow, text('options_org_does_not_receive'), text('options_org_does_not_receive')]);

    // By keyboard: the checkbox takes focus and Space sets the lock.
    await lockOf('service-alerts').focus();
    await options.keyboard.press('Space');
    await section.getByRole('status').getByText(text('options_saved'), { exact: true }).waitFor();
    expect(await lockOf('service-alerts').isChecked()).toBe(true);
    expect((await server.api.get(`/api/v1/organizations/${org.id}/policy`)).body).toEqual({
      'ticket-updates': { default: null, locked: false },
      invoices: { default: null, locked: false },
      'security-advisories': { default: null, locked: true },
      'service-alerts': { default: null, locked: true },
      marketing: { default: null, locked: false },
    });
    expect((await preferencesOf(staff.id))['service-alerts']).toBe(true);
    // The table follows the answer: Alex receives service alerts again, on the organization's lock.
    expect(await cellsOf(staffRow)).toEqual([...receivesNow, text('options_org_receives'), text('options_org_does_not_receive')]);

    // The lead turns service alerts off for staff who have not chosen: saved at once, as the admin API reads it.
    const saved = options.waitForResponse((r) => r.url().endsWith('/api/v1/me/organization/policy') && r.request().method() === 'PUT');
    await defaultOf('service-alerts').selectOption({ label: text('options_org_default_off') });
    expect((await saved).status()).toBe(200);
    await section.getByRole('status').getByText(text('options_saved'), { exact: true }).waitFor();
    expect(await defaultOf('service-alerts').locator('option:checked').textContent()).toBe(text('options_org_default_off'));
    const policy = (await server.api.get(`/api/v1/organizations/${org.id}/policy`)).body;
    expect(policy['service-alerts']).toEqual({ default: false, locked: true });
    expect(policy).toEqual({
      'ticket-updates': { default: null, locked: false },
      invoices: { default: null, locked: false },
      'security-advisories': { default: null, locked: true },
      'service-alerts': { default: false, locked: true },
      marketing: { default: null, locked: false },
    });
  });
});
