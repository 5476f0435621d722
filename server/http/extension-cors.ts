import type { RequestHandler } from 'express';

// Extension pages have these origins; a build for the default server URL needs no CORS (its
// host_permissions cover it), one pointed at another server does.
const EXTENSION_ORIGIN = /^(?:chrome|moz|safari-web)-extension:\/\/([\w-]{1,64})$/i;

/**
 * CORS for the extensions the operator allows (EXTENSION_IDS) and nothing else: no web page and
 * no other extension may call the self-service API from a browser.
 */
export function extensionCors(allowedIds: readonly string[]): RequestHandler {
  const allowedSet = new Set(allowedIds.map((id) => id.toLowerCase()));
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const id = origin === undefined ? undefined : EXTENSION_ORIGIN.exec(origin)?.[1]?.toLowerCase();
    const allowed = id !== undefined && allowedSet.has(id);
    if (allowed) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (req.method !== 'OPTIONS') return next();
    if (allowed) {
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
    }
    res.status(204).end();
  };
}
