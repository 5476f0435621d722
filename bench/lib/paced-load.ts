// A steady, open-loop load: requests issued at a fixed rate whatever the answers do (unlike
// autocannon's closed loop, a stalled server does not slow the load down, so a stall shows in the
// latencies of every request issued during it). Each request's latency is timed from the moment it
// was issued to the end of its answer, over keep-alive connections.
import http from 'node:http';
import type { LoadRequest } from './load.js';

export interface Sample {
  /** Wall clock (ms) when the request was issued. */
  at: number;
  ms: number;
  status: number;
}

export interface LatencySummary {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
}

export interface PacedLoad {
  /** Stops issuing, waits for the answers still due, and answers every sample. */
  stop(): Promise<Sample[]>;
}

const wallClock = () => performance.timeOrigin + performance.now();

export function pacedLoad(base: string, ratePerSecond: number, next: (i: number) => LoadRequest, sockets = 16): PacedLoad {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, scheduling: 'fifo' });
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  const interval = 1000 / ratePerSecond;
  const began = performance.now();
  let issued = 0;
  let stopped = false;

  const issue = (i: number) => {
    const r = next(i);
    const at = wallClock();
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body === undefined ? {} : { 'content-length': Buffer.byteLength(r.body) }) }, agent },
        (res) => {
          res.resume();
          res.on('end', () => {
            samples.push({ at, ms: performance.now() - t0, status: res.statusCode ?? 0 });
            resolve();
          });
        },
      );
      req.on('error', () => {
        samples.push({ at, ms: performance.now() - t0, status: 0 });
        resolve();
      });
      req.end(r.body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  // Every tick issues whatever is due by now, so a late timer catches up instead of thinning the load.
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - began) / interval) + 1;
    while (issued < due) issue(issued++);
    timer = setTimeout(tick, Math.max(0, began + issued * interval - performance.now()));
  };
  let timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(pending);
      agent.destroy();
      return samples;
    },
  };
}

/** Percentiles (nearest rank) of the samples issued in [from, to] (wall clock, ms). */
export function summarize(samples: Sample[], from = -Infinity, to = Infinity): LatencySummary {
  const window = samples.filter((s) => s.at >= from && s.at <= to);
  const ms = window.map((s) => s.ms).sort((a, b) => a - b);
  const rank = (q: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(q * ms.length) - 1))]! : NaN);
  const round = (x: number) => Number(x.toFixed(2));
  return {
    requests: window.length,
    p50Ms: round(rank(0.5)),
    p99Ms: round(rank(0.99)),
    maxMs: round(ms.at(-1) ?? NaN),
    non2xx: window.filter((s) => s.status !== 0 && (s.status < 200 || s.status >= 300)).length,
    errors: window.filter((s) => s.status === 0).length,
  };
}
