// Worker threads do not inherit `--import tsx`: register it, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./markdown-thread.ts');
