import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

const forks = vi.hoisted(() => ({ children: [] as ChildProcess[] }));

vi.mock('node:child_process', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:child_process')>();
  const fork = (...args: unknown[]) => {
    const child = (original.fork as (...a: unknown[]) => ChildProcess)(...args);
    forks.children.push(child);
    return child;
  };
  return { ...original, fork, default: { ...original, fork } };
});

const { compileLayout } = await import('../../server/rendering/compile-mjml.js');
const { compileTemplates } = await import('../../server/rendering/render.js');
const { STRINGS } = await import('../../server/rendering/strings.js');
const { PREHEADER_FILLER } = await import('../../server/rendering/preheader.js');
const { BRAND } = await import('./fixtures.js');

const CONSTANTS = { ...STRINGS.en, locale: 'en', template: 'security-advisory', 'brand.color': '#0b5cad', 'brand.textOnColor': '#ffffff', 'preheader.filler': PREHEADER_FILLER };

/** MJML and the libraries only it brings, as loaded into this process. */
const mjmlHere = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\/]node_modules[\\/](mjml[^\\/]*|juice|html-minifier[^\\/]*|cheerio)[\\/]/.test(file));

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('MJML in a short-lived process', () => {
  it('when every template is compiled in every locale, then MJML runs in one child process that then ends, and never in this one', async () => {
    expect(mjmlHere()).toEqual([]);
    const renderer = await compileTemplates(BRAND);
    await renderer.close();
    expect(forks.children).toHaveLength(1);
    expect(await exited(forks.children[0]!)).toBe(0);
    expect(mjmlHere()).toEqual([]);
  });

  it('when a layout cannot be compiled, then the error says why, and the next one compiles', async () => {
    await expect(compileLayout({ ...CONSTANTS, 'preheader.filler': undefined as unknown as string })).rejects.toThrow('Email templates: no value for [[preheader.filler]]');
    expect(await compileLayout(CONSTANTS)).toContain('<!doctype html>');
  });

  it('when the MJML process dies, then what it was compiling fails with a clear error, and the next compile starts another', async () => {
    const before = forks.children.length;
    // The last test's process ends once idle; only then is a new one started for the next layout.
    await exited(forks.children.at(-1)!);
    const compiling = compileLayout(CONSTANTS);
    expect(forks.children).toHaveLength(before + 1);
    forks.children.at(-1)!.kill('SIGKILL');
    await expect(compiling).rejects.toThrow(/the MJML process exited \(SIGKILL\)/);
    expect(await compileLayout(CONSTANTS)).toContain('<!doctype html>');
    expect(forks.children).toHaveLength(before + 2);
  });

  it('when the same layout is compiled there and here, then the HTML is the same', async () => {
    const { compileLayoutHere } = await import('../../server/rendering/compile-mjml-here.js');
    expect(await compileLayout(CONSTANTS)).toBe(await compileLayoutHere(CONSTANTS));
  });
});
