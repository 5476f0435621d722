import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { buildExtension } from './launch.js';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

// Expected (see /work/shared/notes/extension-testing.md): Firefox ignores `service_worker`, and
// Preact's own dangerouslySetInnerHTML support trips the innerHTML check in each bundle.
const EXPECTED_WARNINGS = new Set(['BACKGROUND_SERVICE_WORKER_IGNORED', 'UNSAFE_VAR_ASSIGNMENT']);

interface LintMessage {
  code: string;
  file?: string;
  message: string;
}

let built: string | undefined;
afterAll(async () => {
  if (built) await rm(built, { recursive: true, force: true });
});

it('when web-ext lints the build, then there are no errors and only the expected warnings', async () => {
  built = await buildExtension();
  const { stdout } = await run(
    join(root, 'node_modules', '.bin', 'web-ext'),
    ['lint', '--source-dir', built, '--output', 'json', '--no-input'],
    { cwd: root, maxBuffer: 10 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as { errors: LintMessage[]; warnings: LintMessage[] };

  expect(report.errors).toEqual([]);
  expect(report.warnings.filter((w) => !EXPECTED_WARNINGS.has(w.code))).toEqual([]);
});
