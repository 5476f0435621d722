import { boot, fail, onShutdown, startMetricsPort, VERSION } from '../boot.js';
import type { Config } from '../config/config.js';
import { createApp } from '../app.js';
import { applyRetention } from '../privacy/retention.js';
import { scheduleDaily, scheduleEvery } from '../daily.js';
import { retentionOwners } from '../services.js';
import { startInboundReceiver } from '../deliverability/inbound-receiver.js';

async function main(): Promise<void> {
  const { config, logger, store, services } = await boot();
  const app = createApp({ config, store, logger, services, version: VERSION });
  const server = app.listen(config.port, config.host, () => {
    logger.info({ port: config.port, host: config.host, store: store.dialect, worker: config.worker, mail: services.mailer.kind }, 'listening');
    printDevSecrets(config);
  });
  if (config.worker) {
    services.worker.start();
    services.dispatcher.start();
  }
  const metricsPort = await startMetricsPort(config, services.metrics, logger);
  const inbound = config.inboundSmtp
    ? await startInboundReceiver({ references: services.references, feedback: services.deliveryFeedback, logger: logger.child({ component: 'inbound' }) }, config.inboundSmtp)
    : null;
  const stopDaily = [
    scheduleDaily('retention', async () => ({ deleted: await applyRetention(store.db, retentionOwners(config.retention)) }), logger),
    scheduleDaily('implied consent', () => services.impliedConsent.runDaily(), logger),
    scheduleEvery('ticket digests', 60_000, () => services.ticketDigests.sendDue(), logger),
    scheduleEvery('advisory escalations', 60_000, () => services.escalations.escalateDue(), logger),
  ];

  onShutdown(async () => {
    logger.info('stopping: no new requests');
    for (const stop of stopDaily) stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // In-flight sends finish; messages claimed but not started go back to the queue.
    await Promise.all([closed, services.afterAnswer.idle(), config.worker ? Promise.all([services.worker.stop(), services.dispatcher.stop()]) : Promise.resolve(), inbound?.close(), metricsPort?.close()]);
    await Promise.all([store.close(), services.renderer.close()]);
    logger.info('stopped');
  });
}

/** Development only: the made-up secrets, on the terminal (never in the structured log). */
function printDevSecrets(config: Config): void {
  if (config.production) return;
  const lines = [`Listening on ${config.publicUrl} (development)`];
  if (config.generated.adminApiKey) lines.push(`  ADMIN_API_KEY  ${config.adminApiKey}`);
  if (config.generated.webhookSecret) lines.push(`  WEBHOOK_SECRET ${config.webhookSecret}`);
  if (config.generated.tokenSecrets) lines.push(`  token secret kept in ${config.dataDir}/dev-secrets.json`);
  if (!config.smtpUrl) lines.push(`  dev mailbox    ${config.publicUrl}/dev/mail`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

main().catch(fail);
