import { browser } from './browser.js';
import { DEFAULT_SERVER_URL, DEV_BUILD, normalizeServerUrl } from './server-url.js';
import { readState, writeState } from './session-store.js';

/**
 * What a client's IT set by policy (`browser.storage.managed`, declared in managed-schema.json):
 * Chrome and Edge read `3rdparty.extensions.<id>`, Firefox `3rdparty.Extensions.<gecko id>`.
 * Each value is null when no policy sets it, or when it is not usable.
 */
export interface ManagedSettings {
  /** The service's origin (and path), normalized like the developer setting; it wins over the stored one. */
  serverUrl: string | null;
  /** The person's address (the popup's email field starts with it), or the part from @ ("@client.example"), which completes a name typed alone. */
  signInEmailHint: string | null;
}

export const NO_MANAGED_SETTINGS: ManagedSettings = { serverUrl: null, signInEmailHint: null };

const MAX_HINT_LENGTH = 254; // the longest email address

function hint(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text !== '' && text.length <= MAX_HINT_LENGTH && !/\s/.test(text) ? text : null;
}

/** The managed values, never throwing: Firefox rejects when no policy exists, and the area may be missing. */
export async function readManagedSettings(): Promise<ManagedSettings> {
  let raw: Record<string, unknown>;
  try {
    const area = (browser.storage as { managed?: { get(keys: null): Promise<Record<string, unknown>> } }).managed;
    if (!area) return NO_MANAGED_SETTINGS;
    raw = (await area.get(null)) ?? {};
  } catch {
    return NO_MANAGED_SETTINGS;
  }
  const serverUrl = typeof raw['serverUrl'] === 'string' ? normalizeServerUrl(raw['serverUrl']) : null;
  return { serverUrl, signInEmailHint: hint(raw['signInEmailHint']) };
}

/**
 * Makes the managed server URL the stored one, so every page reads it with the rest of the state.
 * Another server means another session: the old one is dropped, as the developer setting does.
 * When the policy is gone, a production build (where nobody can set a server by hand, so a stored
 * one came from a policy) goes back to its built-in server. Returns the server URL now stored.
 */
export async function applyManagedServerUrl(settings?: ManagedSettings, devBuild = DEV_BUILD): Promise<string> {
  const [{ serverUrl: managed }, state] = await Promise.all([settings ?? readManagedSettings(), readState()]);
  const wanted = managed ?? (devBuild ? state.serverUrl : DEFAULT_SERVER_URL);
  if (wanted === state.serverUrl) return state.serverUrl;
  await writeState({ serverUrl: wanted, sessionToken: null, sessionExpiresAt: null, pendingEmail: null });
  return wanted;
}
