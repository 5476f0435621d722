import { spawn } from 'node:child_process';
import crypto from 'node:crypto';

/**
 * Judges of our emails that nobody on the project wrote, as receivers run them: Debian's
 * SpamAssassin (offline) and dkimpy (Debian's python3-dkim). scripts/test-prerequisites.sh
 * installs both; a missing one fails the test that needs it, it is never skipped.
 */
export const SPAMASSASSIN = process.env['SPAMASSASSIN_PATH'] ?? '/usr/bin/spamassassin';
/** Debian's Python, where python3-dkim is installed (a pyenv `python3` earlier on PATH lacks it). */
export const PYTHON = process.env['DKIMPY_PYTHON'] ?? '/usr/bin/python3';

function run(command: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(input);
  });
}

/**
 * The message as a receiving MTA sees it after one hop from an outside-looking relay: without
 * this, a message that only crossed loopback is ALL_TRUSTED (−1.0) and hides what the rules think.
 */
export function receivedFromOutside(raw: string, at = new Date()): string {
  const date = at.toUTCString().replace('GMT', '+0000');
  return `Received: from mail.serveitpro.example (mail.serveitpro.example [198.2.128.10])\r\n\tby mx.clinique.example with ESMTPS id 4Xyz9Q2; ${date}\r\n${raw}`;
}

export interface SpamRule {
  name: string;
  points: number;
  description: string;
}

/** `spamassassin -t -L` (local tests only: no network here), its report's rules with their points. */
export async function spamAssassin(raw: string): Promise<{ score: number; rules: SpamRule[] }> {
  const { code, stdout, stderr } = await run(SPAMASSASSIN, ['-t', '-L'], raw);
  const summary = /Content analysis details:\s+\((-?[\d.]+) points/.exec(stdout);
  if (code === null || !summary) throw new Error(`spamassassin gave no report (exit ${code}): ${stderr.slice(0, 500)}`);
  const table = stdout.slice(stdout.indexOf('---- ----', summary.index));
  const rules = [...table.matchAll(/^\s*(-?\d+(?:\.\d+)?)\s+([A-Z][A-Z0-9_]+)\s+(.*)$/gm)].map((m) => ({
    points: Number(m[1]),
    name: m[2]!,
    description: m[3]!.trim(),
  }));
  return { score: Number(summary[1]), rules };
}

/** The DNS TXT record of a DKIM public key. */
export function dkimTxtRecord(publicKey: crypto.KeyObject): string {
  return `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
}

const VERIFY_WITH_DKIMPY = `
import dkim, json, sys
raw = sys.stdin.buffer.read()
name, record = sys.argv[1], sys.argv[2]
asked = []
def dnsfunc(query, timeout=5):
    asked.append(query.decode())
    return record.encode() if query.decode().rstrip('.') == name else None
d = dkim.DKIM(raw)
valid = d.verify(dnsfunc=dnsfunc)
fields = d.signature_fields or {}
signed = [h.strip().lower() for h in fields.get(b'h', b'').decode().split(':') if h.strip()]
print(json.dumps({'valid': bool(valid), 'signedHeaders': signed, 'asked': asked}))
`;

/** dkimpy's verdict on the message's DKIM-Signature, its DNS answered with `txtRecord` for `<selector>._domainkey.<domain>`. */
export async function verifyDkim(raw: string, dns: { selector: string; domain: string; txtRecord: string }): Promise<{ valid: boolean; signedHeaders: string[]; asked: string[] }> {
  const name = `${dns.selector}._domainkey.${dns.domain}`;
  const { code, stdout, stderr } = await run(PYTHON, ['-c', VERIFY_WITH_DKIMPY, name, dns.txtRecord], raw);
  if (code !== 0) throw new Error(`dkimpy failed (exit ${code}; is Debian's python3-dkim installed?): ${stderr.slice(0, 500)}`);
  return JSON.parse(stdout) as { valid: boolean; signedHeaders: string[]; asked: string[] };
}
