import type { SerialPortStream } from '@serialport/stream';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTransport } from '../printer/transport/file-transport.ts';
import { TcpTransport } from '../printer/transport/tcp-transport.ts';
import { FakeHidBus, FakeHidDevice } from '../ratingpad/simulator/fake-hid-device.ts';
import { HidTransport } from '../ratingpad/transport/hid-transport.ts';
import { ManualScheduler } from '../scheduler.ts';
import { SerialTransport } from '../serial-transport.ts';
import { TcpListener } from '../tcp-listener.ts';
import { PullableEnd } from '../test-support/pullable-end.ts';
import { type ByteTransport, MemoryTransport, TransportError, memoryPair } from '../transport.ts';
import type { LinkState, LinkStatus } from './device-link.ts';
import { LinkSupervisor, type LinkSupervisorOptions } from './link-supervisor.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function watch(link: LinkSupervisor) {
  const statuses: LinkStatus[] = [];
  const data: string[] = [];
  const errors: TransportError[] = [];
  link.on('status', (s) => statuses.push(s));
  link.on('data', (c) => data.push(c.toString()));
  link.on('error', (e) => errors.push(e));
  return { statuses, data, errors, states: (): LinkState[] => statuses.map((s) => s.state) };
}

function supervise(transport: ByteTransport, opts: LinkSupervisorOptions = {}) {
  const link = new LinkSupervisor(transport, opts);
  const seen = watch(link);
  cleanups.push(() => link.stop());
  return { link, seen };
}

/** The host end of a pullable cable with a peer, on virtual time. */
function pullable(clock: ManualScheduler) {
  const end = new PullableEnd(clock);
  const peer = new MemoryTransport('pullable:b');
  end.peer = peer;
  peer.peer = end;
  void peer.open();
  return { end, peer };
}

describe('LinkSupervisor, persistent', () => {
  it('opens at start (connecting at once, then up); data flows and writes go through', async () => {
    const clock = new ManualScheduler();
    const [a, b] = memoryPair('l');
    await b.open();
    const { link, seen } = supervise(a, { scheduler: clock });
    link.start();
    expect(link.status.state).toBe('connecting');
    await clock.advance(0);
    expect(seen.states()).toEqual(['connecting', 'up']);
    expect(link.isUp).toBe(true);
    await link.write(Buffer.from('ping'));
    await b.write(Buffer.from('pong'));
    await clock.advance(0);
    expect(b.written.length).toBe(1);
    expect(seen.data).toEqual(['pong']);
    expect(link.description).toBe('l:a');
  });

  it('a port that cannot be opened: down (open-failed), reopened after 250, 500, 1000 ms …, then up with the count reset', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    end.plugged = false;
    const { link, seen } = supervise(end, { scheduler: clock });
    link.start();
    await clock.advance(0);
    expect(link.status).toMatchObject({ state: 'down', cause: 'open-failed', failures: 1, retryAt: 250 });
    expect(link.status.error).toMatchObject({ disconnected: true });
    await clock.advance(1800);
    expect(end.opens).toEqual([0, 250, 750, 1750]);
    end.plugged = true;
    await clock.advance(2000);
    expect(link.status).toMatchObject({ state: 'up', failures: 0 });
    expect(seen.states()).toEqual(['connecting', 'down', 'connecting', 'down', 'connecting', 'down', 'connecting', 'down', 'connecting', 'up']);
    expect(seen.statuses.filter((s) => s.state === 'down').map((s) => s.failures)).toEqual([1, 2, 3, 4]);
  });

  it('a pulled cable: down (lost) with the transport’s error, reopened with backoff until plugged back', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    const { link, seen } = supervise(end, { scheduler: clock, backoff: { initialMs: 100, maxMs: 400 } });
    link.start();
    await clock.advance(0);
    end.pull();
    expect(link.status).toMatchObject({ state: 'down', cause: 'lost', failures: 1 });
    expect(link.status.error?.message).toBe('pullable:a disconnected');
    await clock.advance(1000);
    expect(end.opens.map((t) => t - end.opens[1]!)).toEqual([-100, 0, 200, 600]);
    end.plugged = true;
    await clock.until(() => link.isUp);
    expect(seen.states().slice(0, 3)).toEqual(['connecting', 'up', 'down']);
  });

  it('writing while down is disconnected, after stop() canceled', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    const { link } = supervise(end, { scheduler: clock });
    link.start();
    await clock.advance(0);
    end.pull();
    await expect(link.write(Buffer.from('x'))).rejects.toMatchObject({ disconnected: true });
    await link.stop();
    await expect(link.write(Buffer.from('x'))).rejects.toMatchObject({ canceled: true });
  });

  it('a write that fails with disconnected takes the link down even when the transport said nothing', async () => {
    const clock = new ManualScheduler();
    const [a, b] = memoryPair('silent');
    await b.open();
    let failing = true;
    a.write = async () => {
      if (failing) throw new TransportError('write file:/dev/usb/lp0: EIO', { disconnected: true });
    };
    const { link } = supervise(a, { scheduler: clock });
    link.start();
    await clock.advance(0);
    await expect(link.write(Buffer.from('x'))).rejects.toThrow('EIO');
    expect(link.status).toMatchObject({ state: 'down', cause: 'lost' });
    failing = false;
    await clock.advance(250);
    expect(link.isUp).toBe(true);
  });

  it('a write failure that is not a disconnect leaves the link up', async () => {
    const clock = new ManualScheduler();
    const [a] = memoryPair('busy');
    a.write = async () => {
      throw new TransportError('write: EAGAIN');
    };
    const { link } = supervise(a, { scheduler: clock });
    link.start();
    await clock.advance(0);
    await expect(link.write(Buffer.from('x'))).rejects.toThrow('EAGAIN');
    expect(link.isUp).toBe(true);
  });

  it('stop() while opening: the transport is closed when its open completes, and nothing is left running', async () => {
    const clock = new ManualScheduler();
    const [a] = memoryPair('slow');
    let finish!: () => void;
    const realOpen = a.open.bind(a);
    a.open = () => new Promise<void>((resolve) => (finish = () => void realOpen().then(resolve)));
    const { link, seen } = supervise(a, { scheduler: clock });
    link.start();
    await link.stop();
    finish();
    await clock.advance(10);
    expect(a.isOpen).toBe(false);
    expect(seen.states()).toEqual(['connecting', 'stopped']);
    expect(clock.pending).toEqual([]);
  });

  it('a start() right after such a stop() waits for that open to be cleaned up, then opens afresh', async () => {
    const clock = new ManualScheduler();
    const [a] = memoryPair('slow');
    let finish!: () => void;
    const realOpen = a.open.bind(a);
    a.open = () => new Promise<void>((resolve) => (finish = () => void realOpen().then(resolve)));
    const { link } = supervise(a, { scheduler: clock });
    link.start();
    const first = finish;
    await link.stop();
    link.start();
    first();
    await clock.advance(0);
    finish();
    await clock.advance(0);
    expect(link.isUp).toBe(true);
    expect(a.isOpen).toBe(true);
  });

  it('stop() cancels the reopen timer; start() begins afresh with the count at 0', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    end.plugged = false;
    const { link } = supervise(end, { scheduler: clock });
    link.start();
    await clock.advance(1000);
    expect(link.status.failures).toBeGreaterThan(1);
    await link.stop();
    expect(clock.pending).toEqual([]);
    expect(link.status).toMatchObject({ state: 'stopped', failures: 0 });
    link.start();
    await clock.advance(0);
    expect(link.status).toMatchObject({ state: 'down', failures: 1, retryAt: clock.now() + 250 });
  });

  it('an unavailable transport fails for good: no retry', async () => {
    const clock = new ManualScheduler();
    const [a] = memoryPair('nohid');
    a.open = async () => {
      throw new TransportError('node-hid cannot load', { unavailable: true });
    };
    const { link, seen } = supervise(a, { scheduler: clock });
    link.start();
    await clock.advance(60_000);
    expect(seen.states()).toEqual(['connecting', 'failed']);
    expect(clock.pending).toEqual([]);
  });

  it('transport errors that do not end the link arrive as `error`; unheard, they do not throw', async () => {
    const clock = new ManualScheduler();
    const [a] = memoryPair('noisy');
    const link = new LinkSupervisor(a, { scheduler: clock });
    cleanups.push(() => link.stop());
    link.start();
    await clock.advance(0);
    expect(() => a.emit('error', new Error('framing'))).not.toThrow();
    const errors: TransportError[] = [];
    link.on('error', (e) => errors.push(e));
    a.emit('error', new Error('parity'));
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]?.message).toBe('noisy:a: parity');
    expect(link.isUp).toBe(true);
  });

  it('refuses an unknown mode, naming it', () => {
    expect(() => new LinkSupervisor(memoryPair()[0], { mode: 'sometimes' as never })).toThrow(`"mode" must be 'persistent' or 'on-demand', got "sometimes"`);
  });
});

describe('LinkSupervisor, on-demand', () => {
  it('idle until acquired; acquire opens, release closes; nothing is retried by the link', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    const { link, seen } = supervise(end, { scheduler: clock, mode: 'on-demand' });
    link.start();
    expect(link.status.state).toBe('idle');
    await link.acquire();
    expect(end.isOpen).toBe(true);
    await link.write(Buffer.from('job'));
    await link.release();
    expect(end.isOpen).toBe(false);
    end.plugged = false;
    await expect(link.acquire()).rejects.toMatchObject({ disconnected: true });
    expect(link.status).toMatchObject({ state: 'down', cause: 'open-failed', failures: 1 });
    expect(link.status.retryAt).toBeUndefined();
    expect(clock.pending).toEqual([]);
    end.plugged = true;
    await link.acquire();
    expect(link.status).toMatchObject({ state: 'up', failures: 0 });
    expect(seen.states()).toEqual(['idle', 'connecting', 'up', 'idle', 'connecting', 'down', 'connecting', 'up']);
  });

  it('a loss during a use is down (lost); the next acquire opens again', async () => {
    const clock = new ManualScheduler();
    const { end } = pullable(clock);
    const { link } = supervise(end, { scheduler: clock, mode: 'on-demand' });
    link.start();
    await link.acquire();
    end.unplug();
    expect(link.status).toMatchObject({ state: 'down', cause: 'lost' });
    await link.acquire();
    expect(link.isUp).toBe(true);
  });

  it('acquire after stop() is canceled', async () => {
    const { link } = supervise(memoryPair()[0], { mode: 'on-demand' });
    await expect(link.acquire()).rejects.toMatchObject({ canceled: true });
  });
});

/**
 * The pulled cable, for every kind of byte transport: the link goes down when the device goes away
 * and comes back up by itself once it returns. Real timers, short backoff.
 */
interface Cable {
  transport: ByteTransport;
  mode?: 'persistent' | 'on-demand';
  pull(): Promise<void> | void;
  plug(): Promise<void> | void;
}

async function waitFor(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const MockBinding = SerialPortMock.binding;

const CABLES: [string, () => Promise<Cable>][] = [
  [
    'in-memory',
    async () => {
      const end = new PullableEnd(new ManualScheduler());
      const peer = new MemoryTransport('peer');
      end.peer = peer;
      peer.peer = end;
      await peer.open();
      return {
        transport: end,
        pull: () => end.pull(),
        plug: () => void (end.plugged = true),
      };
    },
  ],
  [
    'serial (serialport MockBinding)',
    async () => {
      const path = '/dev/ttyLINK';
      MockBinding.createPort(path);
      cleanups.push(() => MockBinding.reset());
      const ports: SerialPortMock[] = [];
      const transport = new SerialTransport({
        path,
        createPort: (o) => {
          const p = new SerialPortMock(o);
          ports.push(p);
          return p as unknown as SerialPortStream;
        },
      });
      return {
        transport,
        pull: () => {
          MockBinding.reset();
          ports.at(-1)!._disconnected(Object.assign(new Error('Input/output error'), { code: 'EIO' }));
        },
        plug: () => MockBinding.createPort(path),
      };
    },
  ],
  [
    'TCP (a LAN device that goes off and on)',
    async () => {
      const listener = new TcpListener('127.0.0.1', 0, () => () => undefined);
      await listener.online();
      cleanups.push(() => listener.offline());
      return {
        transport: new TcpTransport({ host: '127.0.0.1', port: listener.port, connectTimeoutMs: 500, closeTimeoutMs: 100 }),
        pull: () => listener.offline(),
        plug: () => listener.online(),
      };
    },
  ],
  [
    'file (a /dev/usb/lp0 that vanishes; printers open it per use)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hallq-link-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, 'lp0');
      writeFileSync(path, '');
      return {
        transport: new FileTransport({ path, create: false }),
        mode: 'on-demand',
        pull: () => rmSync(path),
        plug: () => writeFileSync(path, ''),
      };
    },
  ],
  [
    'HID (a rating pad unplugged and plugged back)',
    async () => {
      const pad = new FakeHidDevice({ info: { path: '/dev/hidraw-link' } });
      const bus = new FakeHidBus([pad]);
      return {
        transport: new HidTransport({ path: pad.path }, bus.openHid),
        pull: () => pad.unplug(),
        plug: () => pad.replug(),
      };
    },
  ],
];

describe.each(CABLES)('a pulled cable, %s', (_kind, make) => {
  it('goes down when the device goes away, and up again by itself once it is back', async () => {
    const cable = await make();
    const mode = cable.mode ?? 'persistent';
    const { link, seen } = supervise(cable.transport, { mode, backoff: { initialMs: 10, maxMs: 40 } });
    link.start();
    if (mode === 'on-demand') await link.acquire();
    await waitFor('up', () => link.isUp);
    await cable.pull();
    if (mode === 'on-demand') {
      await link.release();
      await expect(link.acquire()).rejects.toMatchObject({ name: 'TransportError', disconnected: true });
    } else {
      await waitFor('down', () => link.status.state === 'down');
    }
    expect(link.status.error).toBeInstanceOf(TransportError);
    // It keeps trying (persistent) or fails each use (on-demand) while the device is away.
    await new Promise((r) => setTimeout(r, 60));
    expect(link.status.state).not.toBe('up');
    await cable.plug();
    if (mode === 'on-demand') await link.acquire();
    await waitFor('up again', () => link.isUp);
    expect(seen.states()).toContain('down');
    expect(link.status.failures).toBe(0);
  });
});

describe('file transport reads back what a use wrote', () => {
  it('each acquire/write/release appends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-link-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'capture.bin');
    const { link } = supervise(new FileTransport({ path, create: true }), { mode: 'on-demand' });
    link.start();
    for (const part of ['a', 'b']) {
      await link.acquire();
      await link.write(Buffer.from(part));
      await link.release();
    }
    expect(existsSync(path) && readFileSync(path, 'utf8')).toBe('ab');
  });
});
