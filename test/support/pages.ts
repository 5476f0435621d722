import type { Page } from 'playwright-core';

/** A form posted as a browser without script posts it: the page's status and HTML. */
export async function postForm(url: string, fields: Record<string, string> | [string, string][]): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text() };
}

/**
 * Does what leaves the page (a form's submit, a link) and waits for the page it ends on.
 * Playwright's actions do not wait for the navigations they start, and after post/redirect/get
 * only the result's document loads: without this, the next step can read the page left behind.
 */
export async function navigating(page: Page, act: () => Promise<void>): Promise<void> {
  const loaded = page.waitForEvent('load');
  await act();
  await loaded;
}
