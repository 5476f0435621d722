import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { schemas, type CategoryInfo, type ConsentBasis } from '../../contract/index.js';

/** A category as configured: `required` is false and `basis` follows the default when left out. */
export type CategoryConfig = Omit<CategoryInfo, 'required' | 'basis'> & { required?: boolean; basis?: ConsentBasis };

const categoriesSchema = z
  .array(schemas.categoryInfo.extend({ required: z.boolean().default(false), basis: schemas.consentBasis.optional() }).strict())
  .min(1)
  .refine((list) => new Set(list.map((c) => c.key)).size === list.length, 'category keys must be unique')
  // CASL: express consent is never a pre-checked box.
  .refine((list) => list.every((c) => c.required || c.basis !== 'express' || !c.subscribedByDefault), 'an express-only category (basis "express") cannot be subscribed by default')
  // A required category cannot be turned off, so it cannot rest on consent that lapses.
  .refine((list) => list.every((c) => !c.required || !c.basis?.startsWith('implied-')), 'a required category cannot rest on implied consent (it could not lapse)');

export const DEFAULT_CATEGORIES_FILE = fileURLToPath(new URL('./categories.json', import.meta.url));

export class Categories {
  readonly list: readonly CategoryInfo[];
  private readonly byKey: Map<string, CategoryInfo>;

  constructor(list: CategoryConfig[]) {
    // A required category is always on, whatever its default says. Without a basis, a required
    // category is transactional, one on by default rests on the business relationship, and one
    // off by default on express consent.
    this.list = list.map((c) => ({
      ...c,
      required: c.required ?? false,
      subscribedByDefault: c.required ? true : c.subscribedByDefault,
      basis: c.basis ?? (c.required ? 'exempt' : c.subscribedByDefault ? 'implied-relationship' : 'express'),
    }));
    this.byKey = new Map(this.list.map((c) => [c.key, c]));
  }

  static fromFile(file = DEFAULT_CATEGORIES_FILE): Categories {
    const parsed = categoriesSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`Invalid categories file ${file}: ${z.prettifyError(parsed.error)}`);
    return new Categories(parsed.data);
  }

  get(key: string): CategoryInfo | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Only express consent turns it on: from outside, only after the person confirms by email. */
  isExpressOnly(key: string): boolean {
    const category = this.byKey.get(key);
    return !!category && !category.required && category.basis === 'express';
  }
}
