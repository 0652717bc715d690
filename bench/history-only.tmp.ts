import { figureHistory } from './figure-history.ts';
import { killAll } from './children.ts';
const r = await figureHistory({ profile: 'city', days: 2, seed: 'bench', startRuns: Number(process.env.SR ?? 1), opRepeats: 1, rssTickets: Number(process.env.RT ?? 2000), rssSockets: 50, storms: Number(process.env.ST ?? 2), stormClients: 30, behind: 5000, callRate: 50, idleCalls: 100 }, (l) => console.log(l));
console.log(JSON.stringify({ ...r, ops: r.ops.map(o => o.name + ' ' + o.maxMs) }, null, 1).slice(0, 3000));
await killAll();
process.exit(0);
