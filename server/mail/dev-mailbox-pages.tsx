import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { simpleParser, type ParsedMail } from 'mailparser';
import { render } from 'preact-render-to-string';
import type { ComponentChildren } from 'preact';
import { notFound } from '../http/problem.js';

const FILE = /^[\w.-]+\.eml$/;

/** Development only: the dev mailbox's messages, newest first, with their headers and rendered HTML. */
export function devMailboxPages(dataDir: string): Router {
  const dir = path.join(dataDir, 'mail');
  const router = express.Router();
  const read = async (file: string): Promise<ParsedMail> => {
    if (!FILE.test(file)) throw notFound('message');
    try {
      return await simpleParser(await fs.promises.readFile(path.join(dir, file)));
    } catch {
      throw notFound('message');
    }
  };

  router.get('/dev/mail', async (_req, res) => {
    const files = fs.existsSync(dir) ? (await fs.promises.readdir(dir)).filter((f) => FILE.test(f)).sort().reverse().slice(0, 200) : [];
    const mails = await Promise.all(files.map(async (file) => ({ file, mail: await read(file) })));
    page(res, 'Dev mailbox', (
      <>
        <h1>Dev mailbox</h1>
        <p>Every message the service sent without SMTP_URL, kept under {dir}. Not available in production.</p>
        <table>
          <thead>
            <tr><th>Date</th><th>To</th><th>Subject</th></tr>
          </thead>
          <tbody>
            {mails.map(({ file, mail }) => (
              <tr key={file}>
                <td>{mail.date?.toISOString()}</td>
                <td>{mail.to && !Array.isArray(mail.to) ? mail.to.text : ''}</td>
                <td><a href={`/dev/mail/${file}`}>{mail.subject || '(no subject)'}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ));
  });

  router.get('/dev/mail/:file', async (req, res) => {
    const mail = await read(req.params.file);
    page(res, mail.subject ?? 'Message', (
      <>
        <p><a href="/dev/mail">← All messages</a></p>
        <h1>{mail.subject}</h1>
        <h2>Headers</h2>
        <pre>{[...mail.headerLines].map((h) => h.line).join('\n')}</pre>
        <h2>HTML</h2>
        <iframe title="HTML part" src={`/dev/mail/${req.params.file}/html`} style="width:100%;height:70vh;border:1px solid #ccc" />
        <h2>Text</h2>
        <pre>{mail.text}</pre>
      </>
    ));
  });

  router.get('/dev/mail/:file/html', async (req, res) => {
    const mail = await read(req.params.file);
    // The message's own HTML, sandboxed: no script runs, it cannot reach this origin.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'");
    res.type('html').send(mail.html || '');
  });
  return router;
}

function page(res: express.Response, title: string, body: ComponentChildren): void {
  res.type('html').send(
    '<!doctype html>' +
      render(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{title}</title>
          </head>
          <body style="font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem">{body}</body>
        </html>,
      ),
  );
}
