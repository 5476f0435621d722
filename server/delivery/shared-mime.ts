import crypto from 'node:crypto';
import Handlebars from 'handlebars';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { encodeWord, foldLines, quoteString } from 'nodemailer/lib/mime-funcs/index.js';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp/index.js';

/** What differs between two recipients of one fan-out's email, besides its headers. */
export const SLOTS = ['recipientName', 'unsubscribe', 'preferences', 'acknowledgeRead', 'acknowledgeApplied'] as const;
export type Slot = (typeof SLOTS)[number];
export type SlotValues = Partial<Record<Slot, string>>;

const NONCE = crypto.randomBytes(6).toString('hex');
const MARK = new RegExp(`(?:https://slot\\.invalid/)?slot${NONCE}(\\d)x`, 'g');

/**
 * What is rendered where a recipient's own value goes: letters and digits only, so no escaping
 * changes it, and (for a link) a URL the renderer accepts.
 */
export function placeholder(slot: Slot): string {
  const mark = `slot${NONCE}${SLOTS.indexOf(slot)}x`;
  return slot === 'recipientName' ? mark : `https://slot.invalid/${mark}`;
}

export function hasPlaceholder(text: string): boolean {
  return text.includes(`slot${NONCE}`);
}

/** A part's content cut at its slots: quoted-printable literals, ready to send, between slot names. */
type Piece = string | Slot;

export interface RecipientValues {
  date: Date;
  /** With its angle brackets. */
  messageId: string;
  to: { name: string | null; address: string };
  /** This recipient's own header fields (List-Unsubscribe, a relay's reference), as final lines' values. */
  headers: Record<string, string>;
  values: SlotValues;
}

// An address nodemailer would write bare: printable ASCII, no specials, one @.
const PLAIN_ADDRESS = /^[\x21-\x7e]+$/;
const SPECIALS = /[\s"(),:;<>@[\\\]]/;

/** True when this shared message can carry the address as it is (otherwise compose the message whole). */
export function plainAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return PLAIN_ADDRESS.test(address) && at > 0 && !SPECIALS.test(address.slice(0, at)) && !SPECIALS.test(address.slice(at + 1));
}

const skeletons = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/**
 * One email's MIME, built once with stand-ins where each recipient's values go, then filled per
 * recipient. Each part stays quoted-printable: a literal run of it is encoded once, and a slot's
 * value is encoded on its own between soft line breaks, so decoding gives exactly the email
 * nodemailer would have built for that recipient.
 */
export class SharedMime {
  private constructor(
    private readonly headers: string,
    private readonly beforeText: string,
    private readonly text: Piece[],
    private readonly between: string,
    private readonly html: Piece[],
    private readonly afterHtml: string,
  ) {}

  /** `mail` holds what every recipient shares (from, subject, shared headers); null when its structure is not the expected one. */
  static async build(mail: Mail.Options, html: string, text: string): Promise<SharedMime | null> {
    const textMark = `text${NONCE}é`;
    const htmlMark = `html${NONCE}é`;
    const built = await skeletons.sendMail({
      ...mail,
      to: 'slot@slot.invalid',
      text: textMark,
      html: htmlMark,
      textEncoding: 'quoted-printable',
      envelope: { from: 'slot@slot.invalid', to: 'slot@slot.invalid' },
    });
    const raw = (built.message as Buffer).toString('latin1');
    const end = raw.indexOf('\r\n\r\n');
    const [textAt, htmlAt] = [qpEncode(textMark), qpEncode(htmlMark)].map((m) => (raw.indexOf(m) === raw.lastIndexOf(m) ? raw.indexOf(m) : -1));
    if (end < 0 || textAt! < end || htmlAt! < textAt!) return null;
    const headers = raw
      .slice(0, end)
      .split(/\r\n(?![ \t])/)
      .filter((field) => !/^(date|message-id|to):/i.test(field))
      .join('\r\n');
    const textEnd = textAt! + qpEncode(textMark).length;
    const htmlEnd = htmlAt! + qpEncode(htmlMark).length;
    return new SharedMime(
      headers,
      raw.slice(end + 4, textAt),
      pieces(text),
      raw.slice(textEnd, htmlAt),
      pieces(html),
      raw.slice(htmlEnd),
    );
  }

  fill(recipient: RecipientValues): Buffer {
    const own = [
      `Date: ${recipient.date.toUTCString().replace(/GMT/, '+0000')}`,
      `Message-ID: ${recipient.messageId}`,
      foldLines(`To: ${addressValue(recipient.to)}`, 76),
      ...Object.entries(recipient.headers).map(([name, value]) => `${name}: ${value}`),
    ];
    const escaped: SlotValues = {};
    for (const [slot, value] of Object.entries(recipient.values) as [Slot, string][]) escaped[slot] = Handlebars.escapeExpression(value);
    const message = [
      own.join('\r\n'),
      '\r\n',
      this.headers,
      '\r\n\r\n',
      this.beforeText,
      joined(this.text, recipient.values),
      this.between,
      joined(this.html, escaped),
      this.afterHtml,
    ].join('');
    return Buffer.from(message, 'latin1');
  }
}

/** Cuts rendered content at its stand-ins; literals are encoded here, once. */
function pieces(content: string): Piece[] {
  const crlf = content.replace(/\r?\n/g, '\r\n');
  const out: Piece[] = [];
  let last = 0;
  for (const match of crlf.matchAll(MARK)) {
    out.push(encoded(crlf.slice(last, match.index)), SLOTS[Number(match[1])]!);
    last = match.index + match[0].length;
  }
  out.push(encoded(crlf.slice(last)));
  return out;
}

// 75, so a soft break's "=" added after a run's last line keeps it within 76 characters.
function encoded(text: string): string {
  return text ? qpWrap(qpEncode(text), 75) : '';
}

function joined(parts: Piece[], values: SlotValues): string {
  let out = '';
  for (let i = 0; i < parts.length; i += 1) {
    const value = i % 2 === 0 ? parts[i]! : encoded(values[parts[i] as Slot] ?? '');
    if (!value) continue;
    if (out && !out.endsWith('\n')) out += '=\r\n';
    out += value;
  }
  return out;
}

/** The To value as nodemailer writes it: a plain name bare, a printable one quoted, any other as an encoded word. */
function addressValue({ name, address }: { name: string | null; address: string }): string {
  if (!name) return address;
  const display = /^[\w ]*$/.test(name) ? name : /^[\x20-\x7e]*$/.test(name) ? quoteString(name) : encodeWord(name, 'Q', 52);
  return `${display} <${address}>`;
}
