import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Endpoints } from '../http/endpoints.js';

const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'console');

/** The console's script, bundled once per process from console/ (Preact and the WebAuthn browser library, nothing third-party at run time). */
let bundle: Promise<{ js: string; css: string }> | null = null;
function consoleBundle(): Promise<{ js: string; css: string }> {
  bundle ??= build({
    entryPoints: [path.join(CONSOLE_DIR, 'main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: 'es2022',
    outdir: 'out',
    logLevel: 'silent',
  }).then((result) => ({
    js: result.outputFiles.find((f) => f.path.endsWith('.js'))!.text,
    css: result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '',
  }));
  bundle.catch(() => (bundle = null));
  return bundle;
}

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Console</title>
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="/console/app.js"></script>
</body>
</html>
`;

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Where the console's pages live (console/pages.ts); `/console/enrol` keeps its one-time token in the fragment, never sent to any server. */
export const CONSOLE_PAGES = ['/console', '/console/enrol', '/console/advisories', '/console/contacts', '/console/organizations', '/console/suppressions', '/console/security', '/console/audit', '/console/staff', '/console/api-keys', '/console/webhooks'];

/** The console: one page at each of its paths, and its script and styles. */
export function registerConsolePageRoutes(api: Endpoints): void {
  for (const page of CONSOLE_PAGES) {
    api.route(
      { method: 'get', path: page, summary: 'The staff console', tag: 'Staff console', auth: { anyone: true }, answers: 'html', headers: NO_STORE, responses: { 200: { description: 'The page' } } },
      async () => ({ status: 200, html: SHELL }),
    );
  }
  api.route(
    { method: 'get', path: '/console/app.js', summary: 'The console’s script', tag: 'Staff console', auth: { anyone: true }, answers: 'text', responses: { 200: { description: 'JavaScript' } } },
    async () => ({ status: 200, text: (await consoleBundle()).js, type: 'text/javascript; charset=utf-8' }),
  );
  api.route(
    { method: 'get', path: '/console/app.css', summary: 'The console’s styles', tag: 'Staff console', auth: { anyone: true }, answers: 'text', responses: { 200: { description: 'CSS' } } },
    async () => ({ status: 200, text: (await consoleBundle()).css, type: 'text/css; charset=utf-8' }),
  );
}
