// The only module that touches the polyfill, so dropping it later (as refined-github did) is a one-file change.
import browser from 'webextension-polyfill';

export type { Storage } from 'webextension-polyfill';
export { browser };
