import { boot, fail, onShutdown } from '../boot.js';

/** A send worker alone, for scale-out: servers run with WORKER=off and share the PostgreSQL database. */
async function main(): Promise<void> {
  const { logger, store, services } = await boot();
  services.worker.start();
  logger.info({ worker: services.worker.id, store: store.dialect, mail: services.mailer.kind }, 'worker started');
  onShutdown(async () => {
    await services.worker.stop();
    await Promise.all([store.close(), services.renderer.close()]);
    logger.info('worker stopped');
  });
}

main().catch(fail);
