// Replaced at build time by esbuild `define`; tests and type checks fall back to the local default.
declare const __SERVER_URL__: string | undefined;
// False in production builds (npm run package:extension); true with --dev, in tests and type checks.
declare const __DEV_BUILD__: boolean | undefined;

export const DEFAULT_SERVER_URL: string =
  typeof __SERVER_URL__ === 'string' ? __SERVER_URL__ : 'http://localhost:3000';

/** Whether the options page offers the developer setting that points the extension at another server. */
export const DEV_BUILD: boolean = typeof __DEV_BUILD__ === 'boolean' ? __DEV_BUILD__ : true;

/** An http(s) URL without a trailing slash, or null when the text is not one. */
export function normalizeServerUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
