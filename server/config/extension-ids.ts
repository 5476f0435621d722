import crypto from 'node:crypto';
import fs from 'node:fs';

/** Chromium's id of an extension whose manifest has `key`: SHA-256 of the key, first 32 hex digits as the letters a–p. */
export function chromiumExtensionId(publicKeyBase64: string): string {
  const hex = crypto.createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

/**
 * The id Chrome and Edge give the extension this repository builds (its manifest's `key` fixes
 * it): what the self-service API allows by default. Firefox gives each installation an origin of
 * its own (moz-extension://<random UUID>), so Firefox installations are listed by the operator.
 */
export const BUILT_EXTENSION_IDS: readonly string[] = [
  chromiumExtensionId((JSON.parse(fs.readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as { key: string }).key),
];
