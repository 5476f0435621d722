import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { schemas, type CategoryInfo } from '../../contract/index.js';

// The file's categories are the wire's, with `required` optional (false when left out).
const categoriesSchema = z
  .array(schemas.categoryInfo.extend({ required: z.boolean().default(false) }).strict())
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
