import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  tokenSecret: string;
  webhookSecret: string;
  adminApiKey: string;
  dataKey: string;
}

/** Development secrets, kept under the data folder: read, or made once and written there (0600). */
export function devSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  let kept: Partial<DevSecrets> = {};
  try {
    kept = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (kept.tokenSecret && kept.webhookSecret && kept.adminApiKey && kept.dataKey) return kept as DevSecrets;
  } catch {
    // none yet
  }
  // What is missing is made up once; what exists is kept, so links and keys survive restarts.
  const made: DevSecrets = {
    tokenSecret: crypto.randomBytes(32).toString('base64url'),
    webhookSecret: crypto.randomBytes(32).toString('base64url'),
    adminApiKey: `sk_dev_${crypto.randomBytes(24).toString('base64url')}`,
    dataKey: crypto.randomBytes(32).toString('base64'),
    ...kept,
  };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}
