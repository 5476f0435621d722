import { boot, fail } from '../boot.js';

/** `npm run implied-consent`: the daily pass once: lapse what has run out, ask for reconfirmation 30 days ahead. */
async function main(): Promise<void> {
  const { store, services } = await boot();
  const report = await services.impliedConsent.runDaily();
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await Promise.all([store.close(), services.renderer.close()]);
  services.mailer.close();
}

main().catch(fail);
