import { domainToASCII } from 'node:url';

/** Why an address was refused, for a page to say in its own language (`reason` is the English). */
export type AddressProblem = 'not-an-address' | 'non-ascii-local-part' | 'bad-domain' | 'too-long';
export type NormalizedEmail = { ok: true; email: string } | { ok: false; reason: string; problem: AddressProblem };

// Dot-atom local part (RFC 5322) in ASCII. Addresses whose local part is not ASCII need SMTPUTF8
// end to end, which many receiving servers still lack, so they are refused with a reason.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * One form per mailbox: trimmed, lower-cased, the domain in its ASCII (punycode) form, so
 * `Ana@Exemple.CA` and `ana@exemple.ca` are the same contact and `élise@café.fr`'s domain is
 * `xn--caf-dma.fr`.
 */
export function normalizeEmail(input: string): NormalizedEmail {
  const trimmed = input.trim().normalize('NFC');
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || at === trimmed.length - 1) return { ok: false, reason: 'Not an email address.', problem: 'not-an-address' };
  const local = trimmed.slice(0, at);
  const domainInput = trimmed.slice(at + 1);
  if (/[^\x20-\x7e]/.test(local)) {
    return { ok: false, reason: 'Addresses with accented or non-Latin characters before the @ are not supported.', problem: 'non-ascii-local-part' };
  }
  if (local.length > 64 || !LOCAL_PART.test(local)) return { ok: false, reason: 'Not an email address.', problem: 'not-an-address' };
  const domain = domainToASCII(domainInput.toLowerCase());
  const labels = domain.split('.');
  if (!domain || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    return { ok: false, reason: 'The domain after the @ is not valid.', problem: 'bad-domain' };
  }
  const email = `${local.toLowerCase()}@${domain}`;
  if (email.length > 254) return { ok: false, reason: 'The address is too long.', problem: 'too-long' };
  return { ok: true, email };
}
