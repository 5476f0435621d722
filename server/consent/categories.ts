import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CategoryInfo } from '../../contract/index.js';

const localized = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();

const categoriesSchema = z
  .array(
    z
      .object({
        key: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
        label: localized,
        description: localized,
        subscribedByDefault: z.boolean(),
        required: z.boolean().default(false),
      })
      .strict(),
  )
  .min(1)
  .refine((list) => new Set(list.map((c) => c.key)).size === list.length, 'category keys must be unique');

export const DEFAULT_CATEGORIES_FILE = fileURLToPath(new URL('./categories.json', import.meta.url));

export class Categories {
  readonly list: readonly CategoryInfo[];
  private readonly byKey: Map<string, CategoryInfo>;

  constructor(list: CategoryInfo[]) {
    // A required category is always on, whatever its default says.
    this.list = list.map((c) => (c.required ? { ...c, subscribedByDefault: true } : c));
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
}
