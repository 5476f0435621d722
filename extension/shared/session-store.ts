import { browser } from './browser.js';
import { DEFAULT_SERVER_URL } from './server-url.js';

/** Everything the extension keeps in `browser.storage.local`. */
export interface StoredState {
  schemaVersion: number;
  serverUrl: string;
  sessionToken: string | null;
  sessionExpiresAt: string | null;
  /** The address a code was sent to: the popup closes while the user reads the email. */
  pendingEmail: string | null;
  /** The options page section the popup asked to show (openOptionsPage takes no URL); read once, then cleared. */
  optionsSection: OptionsSection | null;
}

export const OPTIONS_SECTIONS = ['advisories', 'recent'] as const;
export type OptionsSection = (typeof OPTIONS_SECTIONS)[number];

export const SCHEMA_VERSION = 1;

export const DEFAULTS: StoredState = {
  schemaVersion: SCHEMA_VERSION,
  serverUrl: DEFAULT_SERVER_URL,
  sessionToken: null,
  sessionExpiresAt: null,
  pendingEmail: null,
  optionsSection: null,
};

type Migration = (stored: Record<string, unknown>) => Record<string, unknown>;

/** migrations[n] turns schema version n into n + 1; append, never edit. */
const migrations: Record<number, Migration> = {
  // 0 → 1: nothing stored before version 1; the defaults fill every key.
  0: (stored) => stored,
};

function parse(raw: Record<string, unknown>): StoredState {
  const text = (key: keyof StoredState): string | null => {
    const value = raw[key];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    serverUrl: text('serverUrl') ?? DEFAULTS.serverUrl,
    sessionToken: text('sessionToken'),
    sessionExpiresAt: text('sessionExpiresAt'),
    pendingEmail: text('pendingEmail'),
    optionsSection: OPTIONS_SECTIONS.find((section) => section === text('optionsSection')) ?? null,
  };
}

export async function readState(): Promise<StoredState> {
  return parse(await browser.storage.local.get(null));
}

export async function writeState(changes: Partial<Omit<StoredState, 'schemaVersion'>>): Promise<void> {
  await browser.storage.local.set(changes);
}

/** Runs pending migrations and writes every missing default; called on install and update. */
export async function ensureDefaults(): Promise<void> {
  let stored: Record<string, unknown> = await browser.storage.local.get(null);
  let version = typeof stored['schemaVersion'] === 'number' ? stored['schemaVersion'] : 0;
  while (version < SCHEMA_VERSION) {
    const migrate = migrations[version];
    if (migrate) stored = migrate(stored);
    version += 1;
  }
  await browser.storage.local.set({ ...parse(stored), schemaVersion: SCHEMA_VERSION });
}

export async function saveSession(token: string, expiresAt: string): Promise<void> {
  await writeState({ sessionToken: token, sessionExpiresAt: expiresAt, pendingEmail: null });
}

export async function clearSession(): Promise<void> {
  await writeState({ sessionToken: null, sessionExpiresAt: null });
}
