import type { Logger } from 'pino';

const DAY = 86_400_000;

/**
 * A daily job of the server process: a first run a minute after start, then every 24 hours; what
 * it reports is logged under `name`. Jobs are idempotent, so several servers may each run them.
 */
export function scheduleDaily(name: string, run: () => Promise<object>, logger: Logger): () => void {
  return scheduleEvery(name, DAY, run, logger);
}

/** The same, every `intervalMs` (the first run a minute after start, or sooner for a shorter interval). */
export function scheduleEvery(name: string, intervalMs: number, run: () => Promise<object>, logger: Logger): () => void {
  const pass = () =>
    run().then(
      (report) => logger.info({ job: name, ...report }, `${name} done`),
      (error: unknown) => logger.error({ err: error, job: name }, `${name} failed`),
    );
  const first = setTimeout(pass, Math.min(60_000, intervalMs));
  const daily = setInterval(pass, intervalMs);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
