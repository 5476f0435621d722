import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_TOKEN_REQUIRED, metricsAuthorizer, type Metrics } from './metrics.js';

export interface MetricsPort {
  port: number;
  close(): Promise<void>;
}

/**
 * `/metrics` on a port of its own (METRICS_PORT), plain node:http: a worker has no other HTTP
 * server, and a server's scraper need not reach its public port. With METRICS_TOKEN it asks for
 * the token as `GET /metrics` does; without one the configuration only allows a loopback address.
 */
export async function serveMetricsPort(metrics: Metrics, listen: { port: number; host: string; token: string | null }): Promise<MetricsPort> {
  const authorized = metricsAuthorizer(listen.token);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here.');
      return;
    }
    if (!authorized(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end(METRICS_TOKEN_REQUIRED);
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('The metrics could not be collected.'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
