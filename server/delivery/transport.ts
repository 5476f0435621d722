import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Config } from '../config/config.js';

export interface Mailer {
  readonly kind: 'smtp' | 'dev-mailbox';
  /** Resolves when the server accepted the message; rejects with nodemailer's error otherwise. */
  send(mail: Mail.Options): Promise<{ response: string }>;
  close(): void;
}

// DKIM must cover the one-click headers: Gmail and Yahoo only act on a signed List-Unsubscribe-Post.
const DKIM_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version',
  'Content-Type', 'Content-Transfer-Encoding', 'Content-Language', 'In-Reply-To', 'References',
  'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Feedback-ID',
].join(':');

export function createMailer(config: Config): Mailer {
  const dkim = config.dkim ? { ...config.dkim, headerFieldNames: DKIM_HEADERS } : undefined;
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: config.sendConcurrency,
      maxMessages: 1000,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      ...(dkim ? { dkim } : {}),
    });
    return {
      kind: 'smtp',
      send: async (mail) => ({ response: (await transport.sendMail(mail)).response }),
      close: () => transport.close(),
    };
  }
  return devMailbox(path.join(config.dataDir, 'mail'), dkim);
}

/** Development: each message kept as an .eml file, named by time and message id (no address in names). */
function devMailbox(dir: string, dkim: object | undefined): Mailer {
  fs.mkdirSync(dir, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) });
  return {
    kind: 'dev-mailbox',
    send: async (mail) => {
      const info = await transport.sendMail(mail);
      const id = String(info.messageId).replace(/[^\w.-]/g, '');
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}_${id}.eml`);
      await fs.promises.writeFile(file, info.message as Buffer);
      return { response: `250 kept as ${path.basename(file)}` };
    },
    close: () => transport.close(),
  };
}
