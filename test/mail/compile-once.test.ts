import { describe, expect, it, vi } from 'vitest';

const counts = vi.hoisted(() => ({ mjml: 0, htmlToText: 0 }));

// MJML runs in a child process of its own (mjml-process.ts), once per layout asked for: count those.
vi.mock('../../server/rendering/compile-mjml.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/rendering/compile-mjml.js')>();
  return { ...original, compileLayout: (...args: Parameters<typeof original.compileLayout>) => (counts.mjml++, original.compileLayout(...args)) };
});

vi.mock('html-to-text', async (importOriginal) => {
  const original = await importOriginal<typeof import('html-to-text')>();
  return {
    ...original,
    compile: (...args: Parameters<typeof original.compile>) => {
      const convert = original.compile(...args);
      return (html: string) => (counts.htmlToText++, convert(html));
    },
  };
});

const { compileTemplates, TEMPLATE_NAMES } = await import('../../server/rendering/render.js');
const { LOCALES } = await import('../../contract/index.js');
const { BRAND, contextFor, SAMPLE_DATA } = await import('./fixtures.js');

describe('rendering many messages', () => {
  it('when 1,000 messages are rendered, then MJML and html-to-text ran only once per template and locale, at compile time', async () => {
    const renderer = await compileTemplates(BRAND);
    const compiledVariants = TEMPLATE_NAMES.length * LOCALES.length;
    expect(counts.mjml).toBe(compiledVariants);
    expect(counts.htmlToText).toBe(compiledVariants);

    for (let i = 0; i < 1000; i++) {
      const template = TEMPLATE_NAMES[i % TEMPLATE_NAMES.length]!;
      const locale = LOCALES[i % LOCALES.length]!;
      const email = await renderer.render(template, { ...SAMPLE_DATA[template] }, { ...contextFor(template, locale), recipientName: `Contact ${i}` });
      expect(email.html).toContain(`Contact ${i}`);
    }

    expect(counts.mjml).toBe(compiledVariants);
    expect(counts.htmlToText).toBe(compiledVariants);
    // What a fill costs beside MJML is measured side by side by `npm run bench -- --only=render`, not here.
  });
});
