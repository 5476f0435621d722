import { browser } from '../shared/browser.js';
import { ensureDefaults } from '../shared/session-store.js';

// Install and update both run the storage migrations, so the popup always reads a current shape.
browser.runtime.onInstalled.addListener(() => {
  void ensureDefaults();
});
