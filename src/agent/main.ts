import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { RatingOrder } from '../../devices/caller/index.ts';
import { CallerBusDevice } from '../devices-bridge/hosts/caller-bus.ts';
import { HidPadDevice } from '../devices-bridge/hosts/hid-pad.ts';
import type { HostedDevice } from '../devices-bridge/hosts/hosted-device.ts';
import { LedBarsDevice } from '../devices-bridge/hosts/led-bars.ts';
import type { AgentCommandMessage, DeviceInput } from '../realtime/protocol.ts';
import { AgentInputs, type InputPost } from './agent-inputs.ts';
import { AgentFiles } from './agent-identity.ts';
import { CommandJournal, type Outcome } from './command-journal.ts';
import { CommandRunner, type AgentPrinter } from './command-runner.ts';
import { AgentReaders, type AgentReader, type CardReadPost } from './agent-readers.ts';
import { servePairingPage } from './pairing-page.ts';

/**
 * npm run agent -- --hub URL [--dir DIR] [--page-port N]: a device agent (issue #14 §1). On its first
 * start it asks the hub to pair and shows the code (here and on a local page); once a manager has
 * approved it, it collects its own token and holds a socket.io link to the hub, as the screens do.
 */
const { values } = parseArgs({ options: { hub: { type: 'string' }, dir: { type: 'string' }, 'page-port': { type: 'string' } } });
const hub = (values.hub ?? process.env.HALLQ_HUB_URL ?? '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+/.test(hub)) {
  console.error('用法 / usage: npm run agent -- --hub http://<hub>:3000 [--dir DIR] [--page-port 3999]');
  process.exit(2);
}
const files = new AgentFiles(resolve(values.dir ?? process.env.HALLQ_AGENT_DIR ?? './agent-data'));
const pagePort = Number(values['page-port'] ?? 3999);
const say = (zh: string, en: string) => console.log(`[agent] ${zh} / ${en}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** What the hub says this agent is and runs (`/agents/self`). */
interface Self {
  id: string;
  name: string;
  devices: string[];
  printers: AgentPrinter[];
  readers: AgentReader[];
  ledBars: { device: string; uri: string; addresses: number[] }[];
  buses: { device: string; uri: string; units: { address: number; order?: RatingOrder }[] }[];
  hidPads: { device: string; entry: Record<string, unknown> }[];
}

/** This agent as the hub knows it; false when the hub no longer takes the token (revoked). */
async function whoAmI(token: string): Promise<Self | false> {
  const res = await fetch(`${hub}/api/v1/agents/self`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401 || res.status === 403) return false;
  if (!res.ok) throw new Error(`hub answered ${res.status}`);
  const body = (await res.json()) as Omit<Self, 'id' | 'name' | 'devices'> & { agent: Pick<Self, 'id' | 'name' | 'devices'> };
  return { ...body.agent, printers: body.printers, readers: body.readers, ledBars: body.ledBars ?? [], buses: body.buses ?? [], hidPads: body.hidPads ?? [] };
}

/** An authenticated call to the hub, tried a few times (a command the hub does not hear of is sent again at the next reconnect). */
async function tell(token: string, path: string, body: unknown): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${hub}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      if (res.ok || res.status === 404) return;
      throw new Error(`hub answered ${res.status}`);
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(300 * attempt);
    }
  }
}

const journal = new CommandJournal(files.dir);

let page = { code: null as string | null, status: '正在联系 hub / contacting the hub', hub };

async function pair(): Promise<string> {
  const me = files.identity();
  let shown: string | null = null;
  for (;;) {
    try {
      const asked = await post('/agents/pair', { agentId: me.agentId, secret: me.secret, hostname: hostname().slice(0, 64) || 'agent' });
      if (asked.status === 403 && asked.body?.error?.code === 'HQ_ERR_AGENT_REVOKED') {
        files.forget();
        return pair();
      }
      if (asked.status !== 200) throw new Error(`${asked.status} ${JSON.stringify(asked.body)}`);
      if (asked.body.code !== shown) {
        shown = asked.body.code as string;
        page = { code: shown, status: '等待管理人员批准 / waiting for the manager', hub };
        say(`配对码 ${shown}：请大厅管理人员在 hub 上批准本机`, `pairing code ${shown}: ask the hall manager to approve this PC on the hub`);
      }
      const got = await post('/agents/pair/collect', { agentId: me.agentId, secret: me.secret });
      if (got.status === 200) {
        files.saveToken(got.body.token as string);
        page = { code: shown, status: `已批准：${got.body.name} / approved`, hub };
        say(`已批准，名称 ${got.body.name}`, `approved as ${got.body.name}`);
        return got.body.token as string;
      }
      if (got.status !== 202) throw new Error(`${got.status} ${JSON.stringify(got.body)}`);
    } catch (err) {
      page = { ...page, status: `无法联系 hub，正在重试 / cannot reach the hub, retrying (${(err as Error).message})` };
    }
    await sleep(1000);
  }
}

async function run(): Promise<void> {
  const server = pagePort > 0 || values['page-port'] === '0' ? await servePairingPage(pagePort, () => page).catch(() => null) : null;
  if (server) say(`本机配对页面 http://127.0.0.1:${server.port}/`, `local pairing page http://127.0.0.1:${server.port}/`);
  for (;;) {
    const token = files.token() ?? (await pair());
    let me: Self | false | null = null;
    while (me === null) {
      me = await whoAmI(token).catch(() => null);
      if (me === null) await sleep(1000);
    }
    if (me === false) {
      say('令牌已被吊销，重新配对', 'the token was revoked; pairing again');
      files.forget();
      continue;
    }
    // A device's state, for the hub's board (tried as `tell` tries, then dropped).
    const reportStatus = (device: string, state: string, detail: string) => void tell(token, '/agents/self/status', { device, state, detail }).catch(() => undefined);
    const hosted = openBusDevices(me, token, reportStatus);
    const runner = new CommandRunner(me.printers, journal, (id: string, outcome: Outcome) => tell(token, `/agents/self/commands/${id}`, { outcome }), reportStatus, undefined, hosted);
    const readers = new AgentReaders(
      me.readers,
      async (read: CardReadPost) => {
        const res = await fetch(`${hub}/api/v1/agents/self/card-reads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(read),
          // A hub that does not answer is as good as none: the resident is standing there.
          signal: AbortSignal.timeout(2000),
        });
        if (res.status === 409) return 'refused';
        if (!res.ok) throw new Error(`hub answered ${res.status}`);
        return 'applied';
      },
      (zh, en) => {
        page = { ...page, status: `${zh} / ${en}` };
        say(`读卡器：${zh}`, `card reader: ${en}`);
      },
      reportStatus,
    );
    say(`本机设备：${me.devices.join('、') || '无'}`, `devices here: ${me.devices.join(', ') || 'none'}`);
    await link(token, me.id, runner);
    await runner.close();
    await readers.close();
    for (const d of hosted.values()) await d.stop();
    // The link ended because the hub refused the token: pair again.
    say('令牌已被吊销，重新配对', 'the token was revoked; pairing again');
    files.forget();
  }
}

/**
 * The LED bars, keypad and evaluator buses and USB pads of this PC, run by the hub's own host modules:
 * commands come from the runner, keys and scores go to the hub through AgentInputs.
 */
function openBusDevices(me: Self, token: string, reportStatus: (device: string, state: string, detail: string) => void): Map<string, HostedDevice> {
  const hosted = new Map<string, HostedDevice>();
  const inputs = new AgentInputs(
    async (post: InputPost) => {
      const res = await fetch(`${hub}/api/v1/agents/self/inputs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(post),
        // A hub that does not answer soon is as good as none: the clerk is waiting at the keypad.
        signal: AbortSignal.timeout(1500),
      });
      if (res.status === 409) return 'stale';
      if (!res.ok) throw new Error(`hub answered ${res.status}`);
      return 'taken';
    },
    (device: string, input: DeviceInput, zh: string, en: string) => {
      // Where the device can say so itself: an urgent beep at that keypad or evaluator.
      if (input.address > 0) void hosted.get(device)?.run({ kind: 'keypad.beep', address: input.address, pattern: 'urgent' }).catch(() => false);
      page = { ...page, status: `${zh} / ${en}` };
      say(`${device} ${input.kind === 'key' ? `按键 ${input.key}` : `评价 ${input.level}`}：${zh}`, `${device} ${input.kind} at ${input.address}: ${en}`);
    },
  );
  const status = (device: string) => (s: { state: string; detail: string }) => reportStatus(device, s.state, s.detail);
  const onInput = (device: string) => (input: DeviceInput, at: number) => void inputs.deliver(device, input, at);
  for (const b of me.ledBars) hosted.set(b.device, new LedBarsDevice(b.device, b.uri, b.addresses, status(b.device)));
  for (const b of me.buses) hosted.set(b.device, new CallerBusDevice(b.device, b.uri, b.units, onInput(b.device), status(b.device)));
  for (const p of me.hidPads) hosted.set(p.device, new HidPadDevice(p.device, p.entry, onInput(p.device), status(p.device)));
  for (const d of hosted.values()) d.start();
  return hosted;
}

/** This run of the agent: the hub redraws the LED bars when it links from a new one (a restart). */
const BOOT = randomUUID();

/** The socket.io link, reconnecting by itself; resolves only when the hub no longer takes the token. */
function link(token: string, agentId: string, runner: CommandRunner): Promise<void> {
  return new Promise((done) => {
    const socket: Socket = io(hub, { path: '/socket.io', transports: ['websocket'], auth: { token, rooms: [`agent:${agentId}`], boot: BOOT }, reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    let up = false;
    const check = async () => {
      if ((await whoAmI(token).catch(() => null)) === false) {
        socket.close();
        done();
      }
    };
    socket.on('connect', () => {
      up = true;
      void whoAmI(token).then((me) => me && say(`已连接 hub，本机为 ${me.name}`, `linked to the hub as ${me.name} (${me.devices.length} devices)`));
    });
    socket.on('disconnect', (reason) => {
      if (up) say('与 hub 的连接中断，正在重连', `link to the hub lost (${reason}), reconnecting`);
      up = false;
      void check();
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
    });
    socket.on('connect_error', () => void check());
    // Sent when made and again at each reconnect until reported; the journal runs each id once.
    socket.on('agent.command', (msg: AgentCommandMessage) => runner.handle(msg));
  });
}

void run();
