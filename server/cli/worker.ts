import { boot, fail, onShutdown, startMetricsPort } from '../boot.js';

/** A send worker and an event dispatcher alone, for scale-out: servers run with WORKER=off and share the PostgreSQL database. */
async function main(): Promise<void> {
  const { config, logger, store, services } = await boot();
  const metricsPort = await startMetricsPort(config, services.metrics, logger);
  services.worker.start();
  services.dispatcher.start();
  logger.info({ worker: services.worker.id, store: store.dialect, mail: services.mailer.kind }, 'worker started');
  onShutdown(async () => {
    await Promise.all([services.worker.stop(), services.dispatcher.stop(), metricsPort?.close()]);
    await Promise.all([store.close(), services.renderer.close()]);
    logger.info('worker stopped');
  });
}

main().catch(fail);
