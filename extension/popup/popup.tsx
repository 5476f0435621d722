import { render } from 'preact';
import { createApiClient } from '../shared/api-client.js';
import { browser } from '../shared/browser.js';
import { t } from '../shared/i18n.js';
import { readState } from '../shared/session-store.js';
import { PopupApp } from './popup-app.js';

async function main() {
  document.documentElement.lang = browser.i18n.getUILanguage();
  document.title = t('ext_action_title');
  const { serverUrl } = await readState();
  render(<PopupApp api={createApiClient({ serverUrl })} />, document.getElementById('app')!);
}

void main();
