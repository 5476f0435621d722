import { browser } from '../shared/browser.js';
import { writeState, type OptionsSection } from '../shared/session-store.js';

/** Opens the options page at a section: openOptionsPage takes no URL, so the page reads it from storage. */
export async function showOptionsSection(section: OptionsSection): Promise<void> {
  await writeState({ optionsSection: section });
  await browser.runtime.openOptionsPage();
}
