import express, { type RequestHandler, type Router } from 'express';
import type { z } from 'zod';
import * as s from '../api/schemas.js';
import type { SignInCodeSent } from '../api/types.js';
import { originOf } from '../consent/change-origin.js';
import { emailOrThrow } from '../contacts/contacts.js';
import { AppError, badRequest, zodFieldErrors } from '../http/problem.js';
import { extensionCors } from './extension-cors.js';
import type { SelfService } from './self-service.js';
import { requireSession, sessionOf } from './session-auth.js';
import { codeRequestsPerAddress, codeRequestsPerIp, failedSignInsPerIp } from './sign-in-limits.js';
import type { RateLimitStores } from '../http/rate-limit-stores.js';

/** A JSON body checked against a strict schema → `res.locals.body`; 415 for any other media type. */
function jsonBody(schema: z.ZodType): RequestHandler[] {
  const check: RequestHandler = (req, res, next) => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) throw badRequest('Some fields are not valid.', zodFieldErrors(parsed.error));
    res.locals.body = parsed.data;
    if (typeof (parsed.data as { email?: unknown }).email === 'string') {
      res.locals.email = emailOrThrow((parsed.data as { email: string }).email);
    }
    next();
  };
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) {
      throw new AppError(415, 'unsupported-media-type', 'Unsupported media type.', 'Send the body as application/json.');
    }
    next();
  };
  return [requireJson, express.json({ limit: '16kb' }), check];
}

/**
 * The extension's API under /api/v1: sign in by emailed code, then the signed-in contact's own
 * data only (no id in any URL). Mounted before the admin API, whose API-key check would refuse it.
 */
export function selfServiceRoutes(selfService: SelfService, limits: RateLimitStores, extensionIds: readonly string[]): Router {
  const router = express.Router();
  const signedIn = requireSession((token) => selfService.session(token));

  router.use(['/session', '/me'], extensionCors(extensionIds));

  router.post('/session/code', codeRequestsPerIp(limits('codes-per-ip')), ...jsonBody(s.signInCodeRequest), codeRequestsPerAddress(limits('codes-per-address')), (_req, res) => {
    // The code mail goes in the contact's stored language, so the browser's `locale` is not needed here.
    selfService.sendCodeLater(res.locals.email as string);
    res.status(202).json({ status: 'sent' } satisfies SignInCodeSent);
  });

  router.post('/session', failedSignInsPerIp(limits('failed-sign-ins-per-ip')), ...jsonBody(s.sessionRequest), async (_req, res) => {
    const { code } = res.locals.body as z.infer<typeof s.sessionRequest>;
    res.json(await selfService.signIn(res.locals.email as string, code));
  });

  router.delete('/session', signedIn, async (_req, res) => {
    await selfService.signOut(sessionOf(res).id);
    res.status(204).end();
  });

  router.get('/me', signedIn, async (_req, res) => {
    res.json(await selfService.me(sessionOf(res).contactId));
  });

  router.patch('/me', signedIn, ...jsonBody(s.meUpdate), async (_req, res) => {
    res.json(await selfService.update(sessionOf(res).contactId, res.locals.body as z.infer<typeof s.meUpdate>));
  });

  router.get('/me/export', signedIn, async (_req, res) => {
    res.setHeader('Content-Disposition', 'attachment; filename="my-data.json"');
    res.json(await selfService.export(sessionOf(res).contactId));
  });

  router.delete('/me', signedIn, async (_req, res) => {
    res.json(await selfService.erase(sessionOf(res).contactId));
  });

  router.put('/me/preferences', signedIn, ...jsonBody(s.preferencesUpdate), async (req, res) => {
    const wanted = res.locals.body as z.infer<typeof s.preferencesUpdate>;
    res.json(await selfService.setPreferences(sessionOf(res).contactId, wanted, originOf(req, 'extension')));
  });

  return router;
}
