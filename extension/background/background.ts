import { browser } from '../shared/browser.js';
import { applyManagedServerUrl } from '../shared/managed-settings.js';
import { ensureDefaults } from '../shared/session-store.js';

// One task at a time: the migrations read then write the whole state, so a policy applied in
// between would be overwritten. A task that fails (storage unavailable) is tried again on the
// next start, and must not stop the ones after it.
let queue: Promise<unknown> = Promise.resolve();
function serially(task: () => Promise<unknown>): void {
  queue = queue.then(task).catch(() => undefined);
}

// Each time the worker starts: a policy may have changed while the browser was closed.
serially(() => applyManagedServerUrl());

// Install and update both run the storage migrations, so the popup always reads a current shape.
browser.runtime.onInstalled.addListener(() => {
  serially(ensureDefaults);
  serially(() => applyManagedServerUrl());
});

// A client's IT changed the policy while the browser runs.
browser.storage.onChanged.addListener((_changes, areaName) => {
  if (areaName === 'managed') serially(() => applyManagedServerUrl());
});
