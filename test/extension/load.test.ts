import { afterEach, describe, expect, it } from 'vitest';
import { launchExtension, type LaunchedExtension } from './launch.js';

describe('the built extension in headless Chromium', () => {
  let launched: LaunchedExtension | undefined;
  afterEach(async () => {
    await launched?.close();
    launched = undefined;
  });

  it('when the popup opens signed out, then it shows the labelled email field', async () => {
    launched = await launchExtension();
    expect(launched.extensionId).toMatch(/^[a-p]{32}$/);
    const page = await launched.context.newPage();
    await page.goto(launched.url('popup.html'));

    const email = page.getByRole('textbox', { name: 'Work email' });
    await email.waitFor();
    expect(await email.getAttribute('type')).toBe('email');
    expect(await page.getByRole('button', { name: 'Send code' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toMatch(/^en/);
  });

  it('when the browser is in French, then the popup speaks French', async () => {
    launched = await launchExtension({ lang: 'fr' });
    const page = await launched.context.newPage();
    await page.goto(launched.url('popup.html'));

    await page.getByRole('textbox', { name: 'Courriel professionnel' }).waitFor();
    expect(await page.getByRole('button', { name: 'Envoyer le code' }).isVisible()).toBe(true);
    expect(await page.title()).toBe('Préférences de courriel');
    expect(await page.evaluate(() => document.documentElement.lang)).toMatch(/^fr/);
  });

  it('when the options page opens signed out, then it says where to sign in and shows the server URL', async () => {
    launched = await launchExtension({ serverUrl: 'http://127.0.0.1:3999' });
    const page = await launched.context.newPage();
    await page.goto(launched.url('options.html'));

    await page.getByText('Sign in with the toolbar button to edit your account.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Server URL' }).inputValue()).toBe('http://127.0.0.1:3999');
  });
});
