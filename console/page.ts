import type { ConsoleApi } from './api.js';
import type { ConsoleLocale, ConsoleStrings } from './strings.js';
import type { ConsoleSession } from '../contract/index.js';

/** What every console page gets: the API (session cookie and CSRF token included), the shell's strings, the language, who is signed in. */
export interface PageProps {
  api: ConsoleApi;
  t: ConsoleStrings;
  locale: ConsoleLocale;
  session: ConsoleSession;
}
