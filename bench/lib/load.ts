// autocannon, programmatically: 10 connections for a few seconds, each request built from a
// cycling list (distinct tokens or sessions), so no two requests in a row hit the same contact.
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function load(url: string, next: (i: number) => LoadRequest, seconds = 5, connections = 10): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          const r = next(i++);
          return { ...request, method: r.method, path: r.path, headers: { ...request.headers, ...r.headers }, ...(r.body === undefined ? {} : { body: r.body }) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
