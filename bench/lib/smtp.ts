// The parent's side of the SMTP counter process (bench/lib/smtp-counter.ts).
import { runTs, type Child } from './proc.js';

export interface CounterStats {
  count: number;
  distinct: number;
  duplicates: number;
}

export interface SmtpCounter {
  url: string;
  pid: number;
  /** Resolves with the wall-clock time (ms, sub-ms precision) at which the n-th message since the last reset was accepted. */
  waitFor(n: number, timeoutMs: number): Promise<number>;
  stats(): Promise<CounterStats>;
  reset(): Promise<void>;
  /** Wall-clock time (ms) of each message accepted since the last reset, in order. */
  arrivals(): Promise<number[]>;
  stop(): Promise<void>;
}

export interface SmtpCounterOptions {
  /** A slow relay: each message's final reply after DATA waits this long (per connection). */
  latencyMs?: number;
}

export async function startSmtpCounter(options: SmtpCounterOptions = {}): Promise<SmtpCounter> {
  const env: Record<string, string> = options.latencyMs ? { SMTP_LATENCY_MS: String(options.latencyMs) } : {};
  const child: Child = runTs('bench/lib/smtp-counter.ts', env, true);
  const next = (type: string, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.child.off('message', on);
        reject(new Error(`SMTP counter: no '${type}' within ${timeoutMs} ms\n${child.output()}`));
      }, timeoutMs);
      const on = (message: Record<string, unknown>) => {
        if (message['type'] !== type) return;
        clearTimeout(timer);
        child.child.off('message', on);
        resolve(message);
      };
      child.child.on('message', on);
    });
  const ready = await next('ready', 30_000);
  return {
    url: `smtp://127.0.0.1:${String(ready['port'])}`,
    pid: child.pid,
    async waitFor(n, timeoutMs) {
      const reached = next('reached', timeoutMs);
      child.child.send({ type: 'expect', n });
      return (await reached)['at'] as number;
    },
    async stats() {
      const answer = next('stats');
      child.child.send({ type: 'stats' });
      const { count, distinct, duplicates } = (await answer) as unknown as CounterStats;
      return { count, distinct, duplicates };
    },
    async reset() {
      const answer = next('reset');
      child.child.send({ type: 'reset' });
      await answer;
    },
    async arrivals() {
      const answer = next('arrivals');
      child.child.send({ type: 'arrivals' });
      return (await answer)['at'] as number[];
    },
    stop: () => child.stop(),
  };
}

/** Wall clock with sub-millisecond precision, comparable across processes of one machine. */
export const wallClock = () => performance.timeOrigin + performance.now();
