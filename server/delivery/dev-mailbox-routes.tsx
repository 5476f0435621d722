import fs from 'node:fs';
import path from 'node:path';
import type { Endpoints, Reply } from '../http/endpoints.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { render } from 'preact-render-to-string';
import type { ComponentChildren } from 'preact';
import { notFound } from '../http/problem.js';

const FILE = /^[\w.-]+\.eml$/;
/** An http(s) URL in a text part, up to a space or the angle bracket the text part closes it with. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’»]/g;

/** A text part as it reads, its http(s) URLs clickable; every piece is escaped by the renderer. */
export function Linkified({ text }: { text: string }) {
  const pieces: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    pieces.push(text.slice(last, match.index), <a href={match[0]} rel="noreferrer">{match[0]}</a>);
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  return <>{pieces}</>;
}

/** The message's own HTML with `<base target="_blank">`: its links open in a tab, as the link pages refuse to be framed. */
export function withLinksInNewTab(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + base + html.slice(head.index + head[0].length);
  return base + html;
}

/** Development only: the dev mailbox's messages, newest first, with their headers and rendered HTML. */
export function registerDevMailboxRoutes(api: Endpoints, dataDir: string): void {
  const dir = path.join(dataDir, 'mail');
  const route = (path: string, summary: string, handler: (params: Record<string, string>) => Promise<Reply>) =>
    api.route({ method: 'get', path, summary, tag: 'Development', auth: { anyone: true }, answers: 'html', responses: { 200: { description: 'A page' } } }, ({ params }) =>
      handler(params),
    );
  const read = async (file: string): Promise<ParsedMail> => {
    if (!FILE.test(file)) throw notFound('message');
    try {
      return await simpleParser(await fs.promises.readFile(path.join(dir, file)));
    } catch {
      throw notFound('message');
    }
  };

  route('/dev/mail', 'Every message kept by the dev mailbox', async () => {
    const files = fs.existsSync(dir) ? (await fs.promises.readdir(dir)).filter((f) => FILE.test(f)).sort().reverse().slice(0, 200) : [];
    const mails = await Promise.all(files.map(async (file) => ({ file, mail: await read(file) })));
    return page('Dev mailbox', (
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

  route('/dev/mail/:file', 'One kept message: headers, HTML and text', async (params) => {
    const mail = await read(params.file!);
    return page(mail.subject ?? 'Message', (
      <>
        <p><a href="/dev/mail">← All messages</a></p>
        <h1>{mail.subject}</h1>
        <h2>Headers</h2>
        <pre>{[...mail.headerLines].map((h) => h.line).join('\n')}</pre>
        <h2>HTML</h2>
        <p>
          Links open in a new tab. <a href={`/dev/mail/${params.file}/html`} target="_blank">Open the HTML part on its own</a>; the frame scrolls, and its
          bottom corner resizes it.
        </p>
        <iframe
          title="HTML part"
          src={`/dev/mail/${params.file}/html`}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          style="display:block;width:100%;height:90vh;min-height:30rem;border:2px solid #6b7280;resize:vertical;overflow:auto"
        />
        <h2>Text</h2>
        <pre>
          <Linkified text={mail.text ?? ''} />
        </pre>
      </>
    ));
  });

  route('/dev/mail/:file/html', 'One kept message’s own HTML, sandboxed', async (params) => {
    const mail = await read(params.file!);
    // The message's own HTML, sandboxed: no script runs, it cannot reach this origin; its links open
    // in a new tab, outside the sandbox, so the link pages work (they refuse to be framed).
    const csp = "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'";
    return { status: 200, html: withLinksInNewTab(mail.html || ''), headers: { 'Content-Security-Policy': csp } };
  });
}

// Nothing is wider than the window: long token URLs and headers wrap.
const PAGE_STYLE = [
  'body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 1rem auto; padding: 0 1rem; }',
  'td, pre, h1, p { overflow-wrap: anywhere; }',
  'pre { white-space: pre-wrap; }',
  'table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #d1d5db; vertical-align: top; }',
].join('\n');

function page(title: string, body: ComponentChildren): Reply {
  return {
    status: 200,
    html:
      '<!doctype html>' +
      render(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{title}</title>
            <style dangerouslySetInnerHTML={{ __html: PAGE_STYLE }} />
          </head>
          <body>{body}</body>
        </html>,
      ),
  };
}
