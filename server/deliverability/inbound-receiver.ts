import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { Logger } from 'pino';
import type { MessageReferences } from './message-references.js';
import type { DeliveryFeedback } from './delivery-feedback.js';
import { MalformedReport, readReports } from './reports.js';

/** A report is small: a DSN or ARF report with the original's headers, or the original itself. */
export const MAX_REPORT_BYTES = 512 * 1024;
const MAX_RECIPIENTS = 10;
/** Where feedback loops (Microsoft JMRP, Yahoo) send reports: the message is named inside, by its signed return path. */
export const FEEDBACK_LOOP_LOCAL_PART = 'fbl';

export interface InboundReceiverDeps {
  references: MessageReferences;
  feedback: DeliveryFeedback;
  logger: Logger;
}

/**
 * The inbound SMTP receiver of bounces and complaints: mail only for this service's own bounce
 * addresses (a signed VERP address, or the feedback-loop address), nothing relayed, no
 * authentication offered, reports over 512 KB refused. A report that cannot be read, or that
 * names no message of ours, is logged and dropped.
 */
export async function startInboundReceiver(deps: InboundReceiverDeps, listen: { port: number; host: string }) {
  const { references, logger } = deps;
  const domain = references.bounceDomain;
  if (!domain) throw new Error('BOUNCE_DOMAIN is needed to receive bounces');
  const feedbackLoop = `${FEEDBACK_LOOP_LOCAL_PART}@${domain}`;
  const server = new SMTPServer({
    name: domain,
    banner: 'reports only',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: MAX_REPORT_BYTES,
    maxClients: 50,
    socketTimeout: 30_000,
    logger: false,
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const to = address.address.toLowerCase();
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(refusal(452, '4.5.3 Too many recipients'));
      if (to === feedbackLoop || references.messageIdOfAddress(to)) return callback();
      // Never a relay, and nothing said about which addresses exist.
      callback(refusal(550, '5.1.1 No such mailbox here'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(refusal(552, '5.3.4 Report too big'));
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        // Accepted once recorded: if the database fails, the sender keeps the report and tries again.
        receive(deps, Buffer.concat(chunks), recipients, feedbackLoop).then(
          () => callback(),
          (error: unknown) => {
            logger.error({ err: error }, 'a report could not be recorded');
            callback(refusal(451, '4.3.0 Try again later'));
          },
        );
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  logger.info({ port, host: listen.host }, 'receiving bounces and complaints');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Reads the report and records what it says against the message its address (or its original's return path) names. */
async function receive(deps: InboundReceiverDeps, raw: Buffer, recipients: string[], feedbackLoop: string): Promise<void> {
  const { references, feedback, logger } = deps;
  let reports;
  try {
    reports = await readReports(raw);
  } catch (error) {
    if (!(error instanceof MalformedReport)) throw error;
    return logger.warn({ reason: error.message, bytes: raw.length }, 'inbound mail dropped: not a report');
  }
  const named = recipients.map((to) => references.messageIdOfAddress(to)).find(Boolean);
  for (const report of reports) {
    const messageId = named ?? (recipients.some((to) => to.toLowerCase() === feedbackLoop) ? report.returnPaths.map((p) => references.messageIdOfAddress(p)).find(Boolean) : null);
    if (!messageId) {
      logger.warn({ source: report.source, kind: report.kind }, 'report dropped: it names no message of ours');
      continue;
    }
    const outcome = await feedback.record({ messageId, ...report });
    logger.info({ messageId, source: report.source, kind: report.kind, statusCode: report.statusCode, outcome }, 'delivery feedback');
  }
}

function refusal(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}
