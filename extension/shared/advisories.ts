import { ACKNOWLEDGMENTS } from '../../contract/constants.js';
import type { Acknowledgment, MyAdvisory } from '../../contract/index.js';

/** What the organization still owes an advisory: "read" until someone read it, "applied" until someone applied a fix it asks for. */
export function acknowledgmentsWaiting(advisory: MyAdvisory): Acknowledgment[] {
  return ACKNOWLEDGMENTS.filter((action) => (action === 'read' ? advisory.read === null : advisory.asksApplied && advisory.applied === null));
}
