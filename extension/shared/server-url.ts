// Replaced at build time by esbuild `define`; tests and type checks fall back to the local default.
declare const __SERVER_URL__: string | undefined;

export const DEFAULT_SERVER_URL: string =
  typeof __SERVER_URL__ === 'string' ? __SERVER_URL__ : 'http://localhost:3000';

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
