import type Mail from 'nodemailer/lib/mailer/index.js';
import { LOCALES, type AdvisoryCreate, type Locale } from '../../contract/index.js';
import { DomainError } from '../errors.js';
import type { FanOuts } from './fan-outs.js';

export interface AdvisoryTestDeps {
  fanOuts: FanOuts;
  /** The caller's own address: a staff member's; null for an API key, which has none. */
  addressOf(callerId: string): Promise<string | null>;
  send(mail: Mail.Options): Promise<unknown>;
  from: string;
  /** Where a test's links point: they do nothing. */
  previewLink: string;
}

const TEST_MARK: Record<Locale, string> = { en: '[Test]', fr: '[Essai]' };

/**
 * "Send a test to me": the advisory as recipients will get it, once in each language, to the
 * signed-in staff member's own address only. Nothing is recorded and no contact receives it, so it
 * goes straight to the relay rather than through the queue; a refusal is answered at once.
 */
export function createAdvisoryTests(deps: AdvisoryTestDeps) {
  return {
    async send(callerId: string, input: AdvisoryCreate): Promise<{ to: string; languages: Locale[] }> {
      const to = await deps.addressOf(callerId);
      if (!to) throw new DomainError('conflict', 'no-own-address', 'There is no address to send the test to.', 'A test goes to the signed-in staff member’s own address; an API key has none.');
      const { data } = await deps.fanOuts.previewAdvisory(input);
      for (const locale of LOCALES) {
        const email = await deps.fanOuts.renderAdvisory(data, locale, deps.previewLink);
        const subject = `${TEST_MARK[locale]} ${email.subject}`;
        try {
          await deps.send({ from: deps.from, to, subject, html: email.html, text: email.text, headers: { 'Content-Language': locale === 'fr' ? 'fr-CA' : 'en-CA' } });
        } catch (error) {
          throw new DomainError('upstream', 'relay-refused', 'The test could not be sent.', `The mail relay answered: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return { to, languages: [...LOCALES] };
    },
  };
}

export type AdvisoryTests = ReturnType<typeof createAdvisoryTests>;
