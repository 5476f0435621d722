// axe-core 4.x run inside a real page (the console's, the link pages' and the extension's tests share
// it). Its script is evaluated through the debugger, which no page's CSP governs, extension pages included.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeImpact = 'minor' | 'moderate' | 'serious' | 'critical';
export interface AxeViolation {
  id: string;
  impact: AxeImpact;
  /** The CSS selectors of the elements at fault. */
  targets: string[];
}

/** axe-core's violations on the page of at least one of these impacts. */
export async function axeViolations(page: Page, impacts: readonly AxeImpact[]): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const result = await (window as unknown as { axe: { run: () => Promise<Result> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v): v is AxeViolation => impacts.includes(v.impact as AxeImpact));
}
