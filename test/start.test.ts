import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { buildServer, COMPILED_NODE_ARGS, compiledEntry, freePort, ROOT, spawnEntry, waitForHealthy } from './support/process.js';

describe('starting the service', () => {
  it('when started on embedded defaults, then it creates its data folder, answers /healthz, and SIGTERM exits 0', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consent-start-')), 'data');
    const port = await freePort();
    const server = spawnEntry('server/cli/server.ts', { DATA_DIR: dir, PORT: String(port), NODE_ENV: 'development' });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(fs.existsSync(path.join(dir, 'consent.db'))).toBe(true);
      const { adminApiKey } = JSON.parse(fs.readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8'));
      expect(server.output()).toContain(`ADMIN_API_KEY  ${adminApiKey}`);
      const org = await fetch(`http://127.0.0.1:${port}/api/v1/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Started' }),
      });
      expect(org.status).toBe(201);
      // Only the service's own user may read the store, its write-ahead log or the data folder.
      for (const file of ['consent.db', 'consent.db-wal', 'consent.db-shm']) {
        expect(fs.statSync(path.join(dir, file)).mode & 0o077, file).toBe(0);
      }
      expect(fs.statSync(dir).mode & 0o077).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('when compiled as npm start runs it, then the service starts on node alone, and its MJML process and Markdown thread run from the compiled files', async () => {
    buildServer();
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consent-compiled-')), 'data');
    const port = await freePort();
    // Starting compiles every template in the MJML child process: a missing compiled entry fails the start.
    const server = spawnEntry('server/cli/server.ts', { DATA_DIR: dir, PORT: String(port), NODE_ENV: 'development' }, { compiled: true });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}`);
      expect(server.child.spawnargs).toEqual([process.execPath, ...COMPILED_NODE_ARGS, compiledEntry('server/cli/server.ts')]);
      expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start).toBe(`node ${COMPILED_NODE_ARGS.join(' ')} dist/node/server/cli/server.js`);
      const compiled = pathToFileURL(path.join(ROOT, 'dist', 'node', 'server', 'rendering', 'markdown-renderer.js')).href;
      const { MarkdownRenderer } = (await import(compiled)) as typeof import('../server/rendering/markdown-renderer.js');
      const markdown = new MarkdownRenderer();
      try {
        expect((await markdown.render('Patch **tonight**')).html).toContain('<strong');
      } finally {
        await markdown.close();
      }
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('when production lacks its secrets, then it refuses to start and says why', async () => {
    const server = spawnEntry('server/cli/server.ts', { NODE_ENV: 'production', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'consent-prod-')) });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/TOKEN_SECRETS is required in production/);
  });
});
