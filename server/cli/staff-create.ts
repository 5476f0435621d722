import { parseArgs } from 'node:util';
import { bootStore, fail } from '../boot.js';
import { StaffAccounts } from '../staff/staff-accounts.js';
import { DomainError } from '../errors.js';
import { ROLES, type Role } from '../../contract/index.js';

/** `npm run staff:create -- --email <address> --role <admin|sender|support>`: a staff member and their one-time enrolment link (24 hours). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' } } });
  if (!values.email || !ROLES.includes(values.role as Role)) {
    process.stderr.write(`usage: npm run staff:create -- --email <address> --role <${ROLES.join('|')}>\n`);
    process.exitCode = 2;
    return;
  }
  const { config, store, fieldCrypto } = await bootStore();
  try {
    const { member, enrolmentToken } = await new StaffAccounts(store.db, fieldCrypto).create(values.email, values.role as Role);
    process.stdout.write(`${member.email} (${member.role}) can now enrol a passkey, once, within 24 hours:\n${config.publicUrl}/console/enrol#${enrolmentToken}\n`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    process.stderr.write(`${error.detail ?? error.title}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

main().catch(fail);
