/** A secret: a string as given, or decoded key bytes. */
export type SecretValue = string | Buffer;

const MIN_DISTINCT = 8;
// Under what 32 random bytes score (160 at most, about 136 at the lowest in a million draws); longer random strings score far more.
const MIN_BITS = 128;
const HOW_TO_MAKE_ONE = 'make one with `openssl rand -base64 32`';

/** Bytes are judged one byte per character. */
const units = (value: SecretValue) => (typeof value === 'string' ? value : value.toString('latin1'));

/**
 * Length × Shannon entropy of the value's own character (or byte) distribution, in bits.
 * A rough upper estimate: it sees how varied a secret is, not whether it was typed or derived.
 */
export function estimatedBits(value: SecretValue): number {
  const chars = Array.from(units(value));
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / chars.length);
  return bits;
}

/** Why this secret is too weak to use in production, if it is: at most one reason, the most telling. */
export function secretProblems(name: string, value: SecretValue): string[] {
  const text = units(value);
  const what = typeof value === 'string' ? 'characters' : 'bytes';
  if (/^(.+?)\1+$/s.test(text)) return [`${name} is one short pattern repeated; ${HOW_TO_MAKE_ONE}`];
  const distinct = new Set(text).size;
  if (distinct < MIN_DISTINCT) return [`${name} has only ${distinct} distinct ${what} (at least ${MIN_DISTINCT} needed); ${HOW_TO_MAKE_ONE}`];
  const bits = estimatedBits(value);
  if (bits < MIN_BITS) return [`${name} is too predictable (about ${Math.floor(bits)} bits; ${HOW_TO_MAKE_ONE})`];
  return [];
}

/** The bytes a secret may stand for: its own text, and what it decodes to when it is base64(url) or hex. */
function readings(value: SecretValue): Set<string> {
  if (typeof value !== 'string') return new Set([value.toString('hex')]);
  const found = new Set([Buffer.from(value).toString('hex')]);
  const base64 = Buffer.from(value, 'base64');
  const unpadded = value.replace(/=+$/, '');
  if (base64.length && [base64.toString('base64'), base64.toString('base64url')].some((s) => s.replace(/=+$/, '') === unpadded)) {
    found.add(base64.toString('hex'));
  }
  if (/^(?:[0-9a-f]{2})+$/i.test(value)) found.add(value.toLowerCase());
  return found;
}

/** One problem per group of secrets holding the same value, even spelt differently (e.g. a key's base64 and its hex). */
export function reusedSecrets(secrets: ReadonlyArray<readonly [name: string, value: SecretValue]>): string[] {
  const read = secrets.map(([, value]) => readings(value));
  const grouped = new Set<number>();
  const problems: string[] = [];
  for (let i = 0; i < secrets.length; i++) {
    if (grouped.has(i)) continue;
    const same = read.flatMap((r, j) => (j > i && !grouped.has(j) && [...r].some((x) => read[i]!.has(x)) ? [j] : []));
    if (!same.length) continue;
    same.forEach((j) => grouped.add(j));
    const names = [i, ...same].map((k) => secrets[k]![0]);
    problems.push(`${names.slice(0, -1).join(', ')} and ${names.at(-1)} hold the same secret; each needs its own`);
  }
  return problems;
}
