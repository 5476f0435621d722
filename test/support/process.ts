import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** How package.json's scripts run a compiled entry: errors still point into the TypeScript. */
export const COMPILED_NODE_ARGS = ['--enable-source-maps'];

export function compiledEntry(entry: string): string {
  return path.join(ROOT, 'dist', 'node', entry.replace(/\.tsx?$/, '.js'));
}

/** Compiles the service to dist/node as `npm start` does first (scripts/build-server.ts). */
export function buildServer(): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'build-server.ts')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Runs one of the project's entry points (e.g. `server/cli/server.ts`) as its own process: one
 * node process, so signals reach the service itself. From its TypeScript source with tsx as a
 * loader, or `compiled` from dist/node on node alone, as `npm start` runs it (buildServer first).
 */
export function spawnEntry(entry: string, env: Record<string, string>, { compiled = false } = {}): Spawned {
  const args = compiled ? [...COMPILED_NODE_ARGS, compiledEntry(entry)] : ['--import', 'tsx', path.join(ROOT, entry)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitForHealthy(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy`);
}
