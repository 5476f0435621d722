import { toSingleLine } from '../rendering/single-line.js';

/**
 * RFC 2919 `List-Id`: the category's key (ASCII by construction) under the sender's domain, and
 * its label as the phrase, written so any label stays valid: quoted (quotes and backslashes
 * escaped) when it is ASCII, RFC 2047 encoded-words when it is not. The value is final, folded
 * for a 78-character line: nodemailer must send it as is (it would otherwise encode the whole
 * value, angle brackets included, as soon as the label holds a quote or an accent).
 */
export function listIdHeader(label: string, categoryKey: string, domain: string): string {
  const phrase = toSingleLine(label);
  const id = `<${categoryKey}.${domain}>`;
  return fold([...(phrase ? asPhrase(phrase) : []), id], 'List-Id: '.length);
}

function asPhrase(text: string): string[] {
  if (/^[\x20-\x7e]*$/.test(text)) return [`"${text.replace(/["\\]/g, '\\$&')}"`];
  return encodedWords(text);
}

/** An encoded-word is at most 75 characters: 45 bytes of UTF-8 in base64, never splitting a character. */
const MAX_WORD_BYTES = 45;

function encodedWords(text: string): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > MAX_WORD_BYTES) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) chunks.push(chunk);
  return chunks.map((part) => `=?UTF-8?B?${Buffer.from(part).toString('base64')}?=`);
}

/**
 * Words joined by spaces, folded (CRLF and a space) before a word that would take its line past 78
 * characters, counting the header's name; never before the first, which may run longer.
 */
function fold(words: string[], used: number): string {
  let line = '';
  let width = used;
  const lines: string[] = [];
  for (const word of words) {
    if (line && width + 1 + word.length > 78) {
      lines.push(line);
      line = '';
      width = 0;
    }
    width += (line ? 1 : 0) + word.length;
    line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\r\n ');
}
