import { boot, fail, onShutdown, startMetricsPort } from '../boot.js';
import { startInboundReceiver } from '../deliverability/inbound-receiver.js';

/** The inbound receiver of bounces and complaints alone (the server starts it too when INBOUND_SMTP_PORT is set). */
async function main(): Promise<void> {
  const { config, logger, store, services } = await boot();
  const receiver = await startInboundReceiver(
    { references: services.references, feedback: services.deliveryFeedback, logger: logger.child({ component: 'inbound' }) },
    config.inboundSmtp ?? { port: 2525, host: '127.0.0.1' },
  );
  const metricsPort = await startMetricsPort(config, services.metrics, logger);
  onShutdown(async () => {
    await Promise.all([receiver.close(), metricsPort?.close()]);
    await Promise.all([store.close(), services.renderer.close()]);
  });
}

main().catch(fail);
