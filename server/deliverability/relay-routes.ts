import type { Logger } from 'pino';
import { schemas as s, type FeedbackSource } from '../../contract/index.js';
import type { RelayWebhooksConfig } from '../config/relays.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { AppError } from '../http/problem.js';
import type { DeliveryFeedback } from './delivery-feedback.js';
import type { MessageReferences } from './message-references.js';
import type { HttpsGet } from './relays/https-get.js';
import { postmarkEvents, postmarkRecord, verifyPostmark } from './relays/postmark.js';
import type { RelayBatch } from './relays/relay-event.js';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, sendGridBatch, sendGridEvents, verifySendGrid } from './relays/sendgrid.js';
import { sesEvents, snsMessage, snsUrl, SnsVerifier, type SnsRefusal } from './relays/ses-sns.js';

export interface RelayRoutesDeps {
  relays: RelayWebhooksConfig;
  references: MessageReferences;
  feedback: DeliveryFeedback;
  logger: Logger;
  /** How SNS signing certificates are fetched, and subscriptions confirmed. */
  snsGet: HttpsGet;
  now?: () => number;
}

const notTheRelay = (detail: string) => new AppError(401, 'bad-signature', 'The call does not prove it comes from the relay.', detail);

/**
 * The relays' event webhooks: SendGrid's Event Webhook, Postmark's bounce and spam-complaint
 * webhooks, Amazon SES's notifications through SNS. Each is declared always (one OpenAPI document
 * for every deployment) and answers 404 until its relay is configured. A call is verified before
 * its body is read as JSON; a verified call records each bounce or complaint whose message
 * reference holds, once, and answers 200 with what became of each event.
 */
export function registerRelayRoutes(api: Endpoints, deps: RelayRoutesDeps): void {
  const { relays, logger } = deps;
  const now = deps.now ?? Date.now;
  const record = recorder(deps);
  const answers = { 200: { description: 'Verified; what became of each event', schema: s.relayEventsAnswer }, ...problemResponses(400, 413) };

  const sendGrid = relays.sendGrid;
  api.route(
    {
      method: 'post',
      path: '/hooks/relays/sendgrid',
      summary: 'SendGrid’s Event Webhook: bounces, drops of bad addresses and spam reports of the messages sent through SendGrid',
      tag: 'Webhooks',
      auth: {
        relay: {
          description: `SendGrid's Signed Event Webhook: ${SENDGRID_SIGNATURE_HEADER} (ECDSA P-256, SHA-256, over ${SENDGRID_TIMESTAMP_HEADER} followed by the raw body), the timestamp within 10 minutes; the key is SENDGRID_WEBHOOK_PUBLIC_KEY.`,
          verify:
            sendGrid &&
            ((req, _res, raw) => {
              const call = { signature: req.get(SENDGRID_SIGNATURE_HEADER), timestamp: req.get(SENDGRID_TIMESTAMP_HEADER), rawBody: raw };
              if (verifySendGrid(sendGrid.publicKey, call, now())) return;
              logger.warn({ relay: 'sendgrid' }, 'relay call refused: bad or stale signature');
              throw notTheRelay('The signature is missing, wrong, or older than 10 minutes.');
            }),
        },
      },
      body: { relayJson: sendGridBatch, limit: '1mb' },
      responses: answers,
    },
    async ({ body }) => ({ status: 200, body: await record('sendgrid', sendGridEvents(body)) }),
  );

  const postmark = relays.postmark;
  api.route(
    {
      method: 'post',
      path: '/hooks/relays/postmark',
      summary: 'Postmark’s bounce and spam-complaint webhooks of the messages sent through Postmark',
      tag: 'Webhooks',
      auth: {
        relay: {
          description: 'Basic auth on the webhook URL: POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD.',
          verify:
            postmark &&
            ((req, res) => {
              if (verifyPostmark(req.get('authorization'), postmark)) return;
              logger.warn({ relay: 'postmark' }, 'relay call refused: wrong basic auth');
              res.setHeader('WWW-Authenticate', 'Basic realm="relay webhooks", charset="UTF-8"');
              throw notTheRelay('Send the webhook’s user and password with basic auth.');
            }),
        },
      },
      body: { relayJson: postmarkRecord, limit: '256kb' },
      responses: answers,
    },
    async ({ body }) => ({ status: 200, body: await record('postmark', postmarkEvents(body)) }),
  );

  const ses = relays.ses;
  const sns = ses && new SnsVerifier({ topicArns: ses.topicArns, get: deps.snsGet, now });
  api.route(
    {
      method: 'post',
      path: '/hooks/relays/ses',
      summary: 'Amazon SES’s bounce and complaint notifications, through an SNS topic’s HTTPS subscription (confirmed here)',
      tag: 'Webhooks',
      auth: {
        relay: {
          description: 'The SNS message signature (SignatureVersion 1 or 2) by the certificate at SigningCertURL, fetched only from an SNS host (sns.<region>.amazonaws.com); TopicArn one of SES_SNS_TOPIC_ARNS.',
          verify:
            sns &&
            (async (_req, _res, raw) => {
              const refusal = await snsRefusal(sns, raw);
              if (!refusal) return;
              logger.warn({ relay: 'ses', refusal }, 'relay call refused: not an SNS message of ours');
              if (refusal === 'certificate-unavailable') throw new AppError(503, 'unavailable', 'The signature cannot be checked now.', 'The SNS signing certificate could not be fetched.', undefined, 30);
              if (refusal === 'unknown-topic') throw new AppError(403, 'unknown-topic', 'This topic is not accepted here.', 'Add its ARN to SES_SNS_TOPIC_ARNS.');
              throw notTheRelay('The SNS signature is missing or wrong, or its certificate is not on an SNS host.');
            }),
        },
      },
      body: { relayJson: snsMessage, limit: '512kb' },
      responses: { ...answers, ...problemResponses(403, 502, 503) },
    },
    async ({ body: message }) => {
      if (message.Type === 'SubscriptionConfirmation') {
        const url = snsUrl(message.SubscribeURL);
        if (!url) throw new AppError(403, 'bad-subscribe-url', 'The subscription is not confirmed.', 'Its SubscribeURL is not on an SNS host.');
        try {
          await deps.snsGet(url);
        } catch {
          throw new AppError(502, 'upstream', 'The subscription could not be confirmed now.', 'Its SubscribeURL could not be fetched; have SNS send the confirmation again.');
        }
        logger.info({ relay: 'ses', topicArn: message.TopicArn }, 'SNS subscription confirmed');
        return { status: 200, body: { recorded: 0, duplicates: 0, unmatched: 0, ignored: 0, subscription: 'confirmed' } };
      }
      if (message.Type === 'UnsubscribeConfirmation') {
        logger.warn({ relay: 'ses', topicArn: message.TopicArn }, 'SNS subscription ended');
        return { status: 200, body: { recorded: 0, duplicates: 0, unmatched: 0, ignored: 0, subscription: 'unsubscribed' } };
      }
      return { status: 200, body: await record('ses', sesEvents(message)) };
    },
  );
}

/** Why a body is not an SNS message of ours, or null when it is. */
async function snsRefusal(sns: SnsVerifier, raw: Buffer): Promise<SnsRefusal | 'malformed' | null> {
  let parsed;
  try {
    parsed = snsMessage.safeParse(JSON.parse(raw.toString('utf8')));
  } catch {
    return 'malformed';
  }
  if (!parsed.success) return 'malformed';
  const verdict = await sns.verify(parsed.data);
  return verdict.ok ? null : verdict.refusal;
}

/** Records a verified batch: each event whose reference holds, once; the others are counted and logged without addresses. */
function recorder({ references, feedback, logger }: RelayRoutesDeps) {
  return async (source: FeedbackSource, batch: RelayBatch) => {
    const answer = { recorded: 0, duplicates: 0, unmatched: 0, ignored: batch.ignored };
    for (const event of batch.events) {
      const messageId = event.reference ? references.messageIdOf(event.reference) : null;
      const outcome = messageId
        ? await feedback.record({ messageId, source, kind: event.kind, eventKey: event.eventKey, statusCode: event.statusCode, diagnostic: event.diagnostic, occurredAt: event.occurredAt })
        : 'unknown-message';
      if (outcome === 'recorded') answer.recorded++;
      else if (outcome === 'duplicate') answer.duplicates++;
      else {
        answer.unmatched++;
        const why = messageId ? 'no such message (any more)' : event.reference ? 'its reference does not verify' : 'it carries no reference';
        logger.warn({ relay: source, kind: event.kind, why }, 'relay event dropped: it names no message of ours');
      }
    }
    logger.info({ relay: source, ...answer }, 'relay events');
    return answer;
  };
}
