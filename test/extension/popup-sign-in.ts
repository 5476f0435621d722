// What the end-to-end extension tests share: the extension's own strings, filled as Chrome fills
// them, and signing in through the popup with the code read from the real mail.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestSmtp } from '../support/smtp.js';
import { codeIn, nthMailTo } from '../self-service/self-service-client.js';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

export type ExtensionText = (key: string, ...substitutions: string[]) => string;

/** The extension's message `key` in `lang`: each $NAME$ its placeholder's content, whose $n is the n-th substitution. */
export function extensionText(lang: 'en' | 'fr'): ExtensionText {
  const messages = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'extension', '_locales', lang, 'messages.json'), 'utf8')) as Record<string, Message>;
  return (key, ...substitutions) => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key}`);
    return entry.message.replace(/\$([A-Z_]+)\$/g, (_, name: string) =>
      (entry.placeholders?.[name.toLowerCase()]?.content ?? '').replace(/\$(\d)/g, (__, n: string) => substitutions[Number(n) - 1] ?? ''),
    );
  };
}

/** Signs in through the popup: the address, then the code from the mail it sent, until the preferences show. */
export async function signInThroughPopup(page: Page, smtp: TestSmtp, email: string, text: ExtensionText): Promise<void> {
  const before = smtp.to(email).length;
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=email]').press('Enter');
  const codeField = page.locator('input[autocomplete=one-time-code]');
  await codeField.waitFor();
  await codeField.fill(codeIn(await nthMailTo(smtp, email, before + 1)));
  await page.getByRole('button', { name: text('code_sign_in'), exact: true }).click();
  await page.getByRole('heading', { name: text('prefs_heading'), exact: true }).waitFor();
}
