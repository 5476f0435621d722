import express, { type Router } from 'express';
import { z } from 'zod';
import { AppError, badRequest, zodFieldErrors } from '../http/problem.js';
import { text } from '../api/schemas.js';
import type { Advisories } from './advisories.js';
import { verifySignature } from './signature.js';
import { MARKDOWN_LIMITS } from '../mail/markdown.js';
import type { Renderer } from '../mail/render.js';

export const advisoryBody = z.object({
  id: z.string().trim().min(1).max(200),
  title: text(300).min(1),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  summary: z.string().trim().min(1).max(2000),
  body: z.string().trim().min(1).max(MARKDOWN_LIMITS.maxCharacters),
  organizationIds: z.array(z.string().min(1).max(64)).min(1).max(50_000).optional(),
});

/** POST /hooks/advisories: the support team's security advisory, fanned out to every subscribed contact. */
export function advisoryWebhook(deps: { advisories: Advisories; renderer: Renderer; secret: string; onRecorded: () => void }): Router {
  const router = express.Router();
  router.post('/hooks/advisories', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // The signature is checked over the exact bytes received, before anything is parsed.
    if (!verifySignature(req.get('x-signature'), raw, deps.secret)) {
      throw new AppError(401, 'bad-signature', 'The signature is missing, wrong or too old.', 'Sign "<t>.<raw body>" with HMAC-SHA256; t within 300 seconds.');
    }
    if (!req.is('application/json')) throw new AppError(415, 'unsupported-media-type', 'Unsupported media type.', 'Send application/json.');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError(400, 'malformed-body', 'The body is not valid JSON.');
    }
    const parsed = advisoryBody.safeParse(json);
    if (!parsed.success) throw badRequest('The advisory is not valid.', zodFieldErrors(parsed.error));
    // Checked before it is recorded: Markdown that cannot be rendered, or an email Gmail would clip.
    const problems = await deps.renderer.problems('security-advisory', parsed.data);
    if (problems.length) {
      throw badRequest('The advisory cannot be sent as it is.', problems.map((p) => ({ pointer: `#/${p.field}`, detail: `${p.field} ${p.message}` })));
    }
    const { created, answer } = await deps.advisories.record(parsed.data);
    if (created) deps.onRecorded();
    res.status(created ? 202 : 200).json(answer);
  });
  return router;
}
