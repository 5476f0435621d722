import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, forEachLimited } from './pacing.js';

describe('SEND_RATE and SEND_CONCURRENCY pacing', () => {
  afterEach(() => vi.useRealTimers());

  it('when the rate is 10 per second, then 5 sends start 100 ms apart', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(10);
    const started: number[] = [];
    const t0 = Date.now();
    const all = Promise.all(Array.from({ length: 5 }, () => limiter.take().then(() => started.push(Date.now() - t0))));
    await vi.runAllTimersAsync();
    await all;
    expect(started).toEqual([0, 100, 200, 300, 400]);
  });

  it('when the rate is 0, then nothing waits on a timer', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 100; i++) await limiter.take(); // would hang here if it waited on a (fake) timer
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when 20 tasks run with a limit of 3, then never more than 3 run at once and all run', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachLimited(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      done.push(i);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
