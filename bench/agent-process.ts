import { exitWithParent } from './children.ts';

/**
 * Child process for figure 10: the device agent exactly as `npm run agent` runs it (src/agent/main.ts,
 * its arguments passed through), made a bench child so that it ends with the bench.
 */
exitWithParent();
process.stdout.write(`${JSON.stringify({ agent: true })}\n`);
await import('../src/agent/main.ts');
