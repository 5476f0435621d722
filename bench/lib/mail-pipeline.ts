// The service's own rendering pipeline, in this process: the same config, templates, composer and
// links the worker uses, to render one real advisory email (its size feeds the fan-out ceiling).
import { configure } from '../../server/config/config.js';
import { Categories } from '../../server/consent/categories.js';
import { compileTemplates } from '../../server/rendering/render.js';
import { createComposer, linkBuilder } from '../../server/delivery/compose.js';
import { Tokens } from '../../server/tokens/tokens.js';
import { ADVISORY_CATEGORY, FIX_SEVERITIES, type Severity } from '../../contract/index.js';
import { serviceEnv } from './service.js';
import { tempDir } from './proc.js';
import { ADVISORY } from './service.js';

export async function mailPipeline() {
  const config = configure({ ...serviceEnv(tempDir('render'), 'sqlite::memory:', undefined, 3000) });
  const renderer = await compileTemplates(config.brand);
  const tokens = new Tokens(config.tokenSecrets, config.linkTtlDays);
  const composer = createComposer({ renderer, links: linkBuilder(config.publicUrl, tokens), from: config.mailFrom, feedbackSenderId: config.feedbackSenderId });
  const categories = Categories.fromFile(config.categoriesFile);
  const category = categories.get(ADVISORY_CATEGORY)!;
  const sample = (i: number) => ({
    messageId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    template: 'security-advisory' as const,
    data: { ...ADVISORY } as Record<string, unknown>,
    category,
    recipient: { contactId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, email: `contact-${i}@bench.example`, name: `Contact ${i}`, locale: 'en' as const },
    // As the webhook's advisories carry them: the acknowledgment buttons.
    acknowledge: { advisoryId: '20000000-0000-4000-8000-000000000001', applied: FIX_SEVERITIES.includes(ADVISORY.severity as Severity) },
  });
  return { config, renderer, composer, category, sample };
}
