// The report thread's entry. The hub runs TypeScript through tsx, and a worker thread does not
// inherit the loader hooks of the thread that made it (under `tsx` nor under vitest): register them
// here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./report-worker.ts');
