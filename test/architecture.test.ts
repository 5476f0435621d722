// The structure's own rules, checked on the imports themselves (type-only ones included).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(relative);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** Each module's imports: relative ones resolved to files, packages by name. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const files: string[] = [];
  const packages: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (!specifier.startsWith('.')) {
      packages.push(specifier.startsWith('node:') ? 'node' : specifier.split('/')[0]!);
      continue;
    }
    const base = path.normalize(path.join(path.dirname(file), specifier)).replace(/\.js$/, '');
    const found = ['.ts', '.tsx', ''].map((ext) => base + ext).find((candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile());
    if (found) files.push(found);
  }
  return { files, packages };
}

const modules = [...sourcesUnder('server'), ...sourcesUnder('contract')];
const graph = new Map(modules.map((file) => [file, importsOf(file)]));

/** The cycles of a graph: each strongly connected component of more than one node, or a node importing itself. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do component.push((member = stack.pop()!));
      while (member !== node);
      if (component.length > 1 || edges.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!order.has(node)) visit(node);
  return found;
}

/** A module's folder under server/; the composition root and the entry points are left out (they import everything, and nothing imports them back). */
function folderOf(file: string): string | null {
  const [top, second, third] = file.split(path.sep);
  if (top === 'contract') return 'contract';
  if (third === undefined) return ['app.ts', 'boot.ts', 'services.ts'].includes(second!) ? null : `server/${second}`;
  return second === 'cli' ? null : `server/${second}`;
}

/** The HTTP layer: the library in server/http/, each capability's routes, and the composition that mounts them. */
const isHttp = (file: string) =>
  file.startsWith(`server${path.sep}http${path.sep}`) || /-routes\.tsx?$/.test(file) || ['app.ts', 'boot.ts', 'services.ts'].includes(path.basename(file)) || file.includes(`${path.sep}cli${path.sep}`);

describe('the structure of the code', () => {
  it('when every import is followed, then no module imports itself back through others', () => {
    const edges = new Map([...graph].map(([file, { files }]) => [file, new Set(files)]));
    expect(cycles(edges)).toEqual([]);
  });

  it('when modules are grouped by folder, then no folder imports itself back through another', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, { files }] of graph) {
      const from = folderOf(file);
      if (!from) continue;
      for (const target of files) {
        const to = folderOf(target);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.size).toBeGreaterThan(10);
    expect(cycles(edges)).toEqual([]);
  });

  it('when a domain module imports, then it is never the HTTP layer nor express: only routes, the http library and the composition do', () => {
    const offenders = [...graph]
      .filter(([file]) => !isHttp(file))
      .flatMap(([file, { files, packages }]) => [
        ...files.filter((target) => target.startsWith(`server${path.sep}http${path.sep}`)).map((target) => `${file} → ${target}`),
        ...packages.filter((name) => name === 'express' || name.startsWith('express-')).map((name) => `${file} → ${name}`),
      ]);
    expect(offenders).toEqual([]);
  });

  it('when the HTTP library imports, then it is never a capability: it knows requests, not the domain', () => {
    // Beside the store, crypto is the one other foundation it may use (the webhook signature scheme, shared with events out).
    const capabilities = (target: string) => {
      const folder = folderOf(target);
      return folder !== null && !['server/http', 'server/store', 'server/crypto', 'contract'].includes(folder) && !/server\/(errors|logger)$/.test(folder.replace(/\.ts$/, ''));
    };
    const offenders = [...graph]
      .filter(([file]) => file.startsWith(`server${path.sep}http${path.sep}`))
      .flatMap(([file, { files }]) => files.filter(capabilities).map((target) => `${file} → ${target}`));
    expect(offenders).toEqual([]);
  });

  it('when the contract imports, then it is only zod and itself, and the extension takes only its constants and types', () => {
    const contract = [...graph].filter(([file]) => file.startsWith('contract'));
    expect(contract.flatMap(([, { packages }]) => packages).filter((name) => name !== 'zod')).toEqual([]);
    expect(contract.flatMap(([, { files }]) => files).every((target) => target.startsWith('contract'))).toBe(true);

    const fromExtension = sourcesUnder('extension').flatMap((file) => {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      return [...source.matchAll(/(import(?:\s+type)?)\b[^'";]*?from\s*['"]((?:\.\.\/)+(?:server|contract)[^'"]*)['"]/g)].map((m) => ({ file, kind: m[1]!, target: m[2]! }));
    });
    expect(fromExtension.length).toBeGreaterThan(5);
    const values = fromExtension.filter((i) => !i.kind.endsWith('type') && !i.target.endsWith('contract/constants.js'));
    expect(values).toEqual([]);
    expect(fromExtension.filter((i) => i.target.includes('/server/'))).toEqual([]);
  });
});
