import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../contract/index.js';
import { PAGE_STRINGS } from '../../server/pages/page-strings.js';
import { axeViolations } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';
import { navigating } from '../support/pages.js';
import { startServer, type TestServer } from '../support/server.js';
import { linkPageWorld } from './link-page-world.js';

const SHOTS = '/tmp/pages-shots';
const WIDTHS = [375, 1280] as const;
type World = ReturnType<typeof linkPageWorld>;

/** Every state a person can see behind an email link, and how a person gets there. */
const STATES: Record<string, (page: Page, lang: Locale, world: World) => Promise<void>> = {
  'unsubscribe question': async (page, lang, world) => {
    await page.goto(world.unsubscribe((await world.contact(lang)).id));
  },
  unsubscribed: async (page, lang, world) => {
    await page.goto(world.unsubscribe((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].confirmButton, exact: true }).click());
  },
  'undo done': async (page, lang, world) => {
    await page.goto(world.unsubscribe((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].confirmButton, exact: true }).click());
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].undoButton }).click());
  },
  'already unsubscribed': async (page, lang, world) => {
    const url = world.unsubscribe((await world.contact(lang)).id);
    await world.oneClick(url);
    await page.goto(url);
  },
  'preference center': async (page, lang, world) => {
    await page.goto(world.preferences((await world.contact(lang)).id));
  },
  saved: async (page, lang, world) => {
    await page.goto(world.preferences((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].save }).click());
  },
  'all optional off': async (page, lang, world) => {
    await page.goto(world.preferences((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].unsubscribeAll }).click());
  },
  'data copy sent': async (page, lang, world) => {
    await page.goto(world.preferences((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].dataButton }).click());
  },
  'expired link': async (page, lang, world) => {
    await page.goto(`${world.expiredUnsubscribe((await world.contact(lang)).id)}?lang=${lang}`);
  },
  'invalid link': async (page, lang, world) => {
    await page.goto(`${world.unsubscribe('x').split('/u/')[0]}/u/not-a-token?lang=${lang}`);
  },
  'new link sent': async (page, lang, world) => {
    await page.goto(`${world.expiredUnsubscribe((await world.contact(lang)).id)}?lang=${lang}`);
    await page.getByLabel(PAGE_STRINGS[lang].emailLabel).fill('someone@links.example');
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].sendLink }).click());
  },
  'new link form error': async (page, lang, world) => {
    await page.goto(`${world.expiredUnsubscribe((await world.contact(lang)).id)}?lang=${lang}`);
    // A valid address to the browser, but not one mail can reach: the server refuses it.
    await page.getByLabel(PAGE_STRINGS[lang].emailLabel).fill('someone@localhost');
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].sendLink }).click());
  },
  'new link form on its own': async (page, lang, world) => {
    await page.goto(`${world.unsubscribe('x').split('/u/')[0]}/links/fresh?lang=${lang}`);
  },
  'subscribe form': async (page, lang, world) => {
    await page.goto(`${world.unsubscribe('x').split('/u/')[0]}/subscribe?lang=${lang}`);
  },
  'subscribe form error': async (page, lang, world) => {
    await page.goto(`${world.unsubscribe('x').split('/u/')[0]}/subscribe?lang=${lang}`);
    await page.getByLabel(PAGE_STRINGS[lang].emailLabel).fill('someone@links.example');
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].subscribeButton }).click());
  },
  'subscribe sent': async (page, lang, world) => {
    await page.goto(`${world.unsubscribe('x').split('/u/')[0]}/subscribe?lang=${lang}`);
    await page.getByRole('checkbox').first().check();
    await page.getByLabel(PAGE_STRINGS[lang].emailLabel).fill('someone@links.example');
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].subscribeButton }).click());
  },
  'confirm question': async (page, lang, world) => {
    await page.goto(await world.confirm((await world.contact(lang)).id));
  },
  confirmed: async (page, lang, world) => {
    await page.goto(await world.confirm((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].confirmSubscriptionButton }).click());
  },
  'mute question': async (page, lang, world) => {
    await page.goto(world.mute((await world.contact(lang)).id));
  },
  'already muted': async (page, lang, world) => {
    const link = world.mute((await world.contact(lang)).id);
    await page.goto(link);
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].muteButton }).click());
    await page.goto(link);
  },
  muted: async (page, lang, world) => {
    await page.goto(world.mute((await world.contact(lang)).id));
    await navigating(page, () => page.getByRole('button', { name: PAGE_STRINGS[lang].muteButton }).click());
  },
};

/** Every string of one language's page strings, with sample arguments, long enough to be told apart from the other language's. */
function sentencesOf(lang: Locale): string[] {
  const out: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (['switchLanguage', 'switchLanguageLabel'].includes(key)) return; // the switch speaks the other language on purpose
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'function') out.push(String((value as (...a: string[]) => string)('Z', 'Z')));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(PAGE_STRINGS[lang], '');
  // The fixed part of each string, the longest run between sample arguments.
  return out.map((s) => s.split('Z').sort((a, b) => b.length - a.length)[0]!.trim()).filter((s) => s.split(' ').length >= 3);
}

describe('every link-page state in Chromium, in both languages, at 375 and 1280 px', () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(['en', 'fr'] as const)(
    'when each state is reached in %s, then axe finds nothing moderate or worse, nothing scrolls sideways with a 120-character address, it has one h1, its own title, and no word of the other language',
    async (lang) => {
      const world = linkPageWorld(server);
      const other = new Set(sentencesOf(lang === 'en' ? 'fr' : 'en'));
      const titles = new Map<string, string>();
      for (const [state, reach] of Object.entries(STATES)) {
        // Script on only so axe-core can run; the pages themselves have none.
        const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: lang });
        const page = await context.newPage();
        await reach(page, lang, world);
        await page.waitForLoadState();
        expect(await page.locator('html').getAttribute('lang'), state).toBe(lang);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          const slug = state.replace(/\W+/g, '-');
          await page.screenshot({ path: `${SHOTS}/${slug}-${lang}-${width}.png`, fullPage: true });
          const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
          expect(scrollWidth, `${state} at ${width} px scrolls sideways`).toBeLessThanOrEqual(clientWidth);
          expect(await axeViolations(page, ['moderate', 'serious', 'critical']), `${state} at ${width} px`).toEqual([]);
        }
        expect(await page.locator('h1').count(), `${state} has one h1`).toBe(1);
        const title = await page.title();
        expect([...titles].find(([, seen]) => seen === title)?.[0], `${state} has the title "${title}" of another state`).toBeUndefined();
        titles.set(state, title);
        const text = await page.evaluate(() => document.body.innerText + ' ' + document.title);
        for (const sentence of other) expect(text, `${state} in ${lang} shows "${sentence}"`).not.toContain(sentence);
        await context.close();
      }
      expect(titles.size).toBe(Object.keys(STATES).length);
    },
    180_000,
  );

  it('when the preference center is used at 375 px without script, then each checkbox row is a target of at least 44 px that toggles the box from its far end, and a keyboard user sees a dark focus ring', async () => {
    const world = linkPageWorld(server);
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, javaScriptEnabled: false, locale: 'fr' });
    const page = await context.newPage();
    await page.goto(world.preferences((await world.contact('fr')).id));
    const rows = page.locator('label.choice');
    expect(await rows.count()).toBe(5);
    for (const row of await rows.all()) {
      const box = (await row.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(300);
    }
    const marketing = page.getByRole('checkbox', { name: 'Nouvelles et offres' });
    expect(await marketing.isChecked()).toBe(false);
    await page.locator('label.choice', { has: marketing }).scrollIntoViewIfNeeded();
    const row = (await page.locator('label.choice', { has: marketing }).boundingBox())!;
    await page.mouse.click(row.x + row.width - 4, row.y + row.height - 4);
    expect(await marketing.isChecked()).toBe(true);

    // The click focused the box (no ring for a pointer); back and forth by keyboard shows the ring.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('category-marketing');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor };
    });
    expect(ring).toEqual({ style: 'solid', width: '3px', color: 'rgb(30, 58, 138)' });
    await page.keyboard.press('Space');
    expect(await marketing.isChecked()).toBe(false);
    await page.locator('label.choice', { has: marketing }).screenshot({ path: `${SHOTS}/focused-checkbox-fr-375.png` });
    await context.close();
  });
});
