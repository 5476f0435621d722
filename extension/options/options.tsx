import { render } from 'preact';
import { browser } from '../shared/browser.js';
import { t } from '../shared/i18n.js';
import { OptionsApp } from './options-app.js';

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = t('options_title');
render(<OptionsApp />, document.getElementById('app')!);
