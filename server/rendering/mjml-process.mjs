// A child process does not inherit `--import tsx` (its execArgv is emptied): register it, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./mjml-process.ts');
