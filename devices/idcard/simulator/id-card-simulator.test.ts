import { afterEach, describe, expect, it } from 'vitest';
import { memoryPair, type MemoryTransport } from '../../transport.ts';
import { encodeRequest } from '../codec/encode-request.ts';
import type { ResponseFrame } from '../codec/frame.ts';
import { ResponseDecoder } from '../codec/frame-decoder.ts';
import { decodeReadPayload } from '../codec/read-payload.ts';
import { parseTextBlock } from '../card/parse-text-block.ts';
import { h } from '../test-support/hex.ts';
import { IdCardSimulator } from './id-card-simulator.ts';
import { exampleCard } from './sim-card.ts';
import { seededRandom } from './seeded-random.ts';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
};

/** A raw host: sends bytes, collects whatever comes back. */
async function rig() {
  const [host, device] = memoryPair('sim');
  await host.open();
  await device.open();
  const sim = new IdCardSimulator(device);
  const got: Buffer[] = [];
  host.on('data', (c: Buffer) => got.push(c));
  const ask = async (bytes: Buffer): Promise<Buffer> => {
    got.length = 0;
    await host.write(bytes);
    await settle();
    await sim.flushed();
    await settle();
    return Buffer.concat(got);
  };
  return { host, device, sim, ask };
}

let open: MemoryTransport[] = [];
afterEach(async () => {
  for (const t of open) await t.close();
  open = [];
});

describe('IdCardSimulator answers with the exact bytes of hardware.md §1.4', () => {
  it('SAM status, find with and without a card, select, read, read without select', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('AA AA AA 96 69 00 04 00 00 90 94'));
    expect(await ask(h('AA AA AA 96 69 00 03 20 01 22'))).toEqual(h('AA AA AA 96 69 00 04 00 00 80 84'));
    expect(await ask(h('AA AA AA 96 69 00 03 20 02 21'))).toEqual(h('AA AA AA 96 69 00 04 00 00 81 85'));
    sim.place(exampleCard());
    expect(await ask(h('AA AA AA 96 69 00 03 30 01 32'))).toEqual(h('AA AA AA 96 69 00 04 00 00 41 45'));
    expect(await ask(h('AA AA AA 96 69 00 03 20 01 22'))).toEqual(h('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'));
    expect(await ask(h('AA AA AA 96 69 00 03 20 02 21'))).toEqual(h('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C'));
    const read = await ask(h('AA AA AA 96 69 00 03 30 01 32'));
    expect(read.length).toBe(1295);
    expect(read.subarray(0, 14)).toEqual(h('AA AA AA 96 69 05 08 00 00 90 01 00 04 00'));
    const [item] = new ResponseDecoder().push(read);
    if (!item?.ok) throw new Error('bad read frame');
    expect(parseTextBlock(decodeReadPayload(item.frame.data, false).text)).toMatchObject({ name: '张三', idNumber: '11010519491231002X' });
    expect(sim.received).toEqual(['samStatus', 'findCard', 'selectCard', 'readBase', 'findCard', 'selectCard', 'readBase']);
  });

  it('SAM failure answers 0x60 to everything', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    sim.samHealthy = false;
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('AA AA AA 96 69 00 04 00 00 60 64'));
    expect(await ask(h('AA AA AA 96 69 00 03 20 01 22'))).toEqual(h('AA AA AA 96 69 00 04 00 00 60 64'));
  });

  it('a command with a bad checksum gets SW3 0x10; an unknown one 0x21; a missing fingerprint 0x91', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    expect(await ask(h('AA AA AA 96 69 00 03 20 01 23'))).toEqual(h('AA AA AA 96 69 00 04 00 00 10 14'));
    expect(await ask(encodeRequest(0x77, 0x01))).toEqual(h('AA AA AA 96 69 00 04 00 00 21 25'));
    sim.place(exampleCard());
    await ask(h('AA AA AA 96 69 00 03 20 01 22'));
    await ask(h('AA AA AA 96 69 00 03 20 02 21'));
    expect(await ask(h('AA AA AA 96 69 00 03 30 10 23'))).toEqual(h('AA AA AA 96 69 00 04 00 00 91 95'));
  });

  it('a card with a fingerprint answers the 2321-byte read', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    sim.place(exampleCard({ fingerprint: Buffer.alloc(1024, 0x42) }));
    await ask(h('AA AA AA 96 69 00 03 20 01 22'));
    await ask(h('AA AA AA 96 69 00 03 20 02 21'));
    const read = await ask(h('AA AA AA 96 69 00 03 30 10 23'));
    expect(read.length).toBe(2321);
    expect(read.subarray(0, 16)).toEqual(h('AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00'));
  });

  it('faults: bad checksum, swallowed reply, injected status, garbage, chunking', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    sim.inject({ kind: 'bad-checksum', on: 'samStatus' });
    expect(await ask(h('AA AA AA 96 69 00 03 20 01 22'))).toEqual(h('AA AA AA 96 69 00 04 00 00 80 84')); // not for findCard
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('AA AA AA 96 69 00 04 00 00 90 6B'));
    sim.inject({ kind: 'no-reply' });
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(Buffer.alloc(0));
    sim.inject({ kind: 'status', sw3: 0x24 });
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('AA AA AA 96 69 00 04 00 00 24 20'));
    sim.inject({ kind: 'garbage', bytes: h('01 02 03') });
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('01 02 03 AA AA AA 96 69 00 04 00 00 90 94'));
    expect(sim.pendingFaults).toBe(0);

    sim.chunking = { maxChunk: 3, random: seededRandom(1) };
    const chunks: Buffer[] = [];
    host.on('data', (c: Buffer) => chunks.push(c));
    expect(await ask(h('AA AA AA 96 69 00 03 11 FF ED'))).toEqual(h('AA AA AA 96 69 00 04 00 00 90 94'));
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(3);
  });

  it('a card whose fields do not fit is refused by place(), not when the reply is built', async () => {
    const { sim, host, device } = await rig();
    open = [host, device];
    expect(() => sim.place(exampleCard({ name: '这是一个超过十五个字的非常非常长的名字' }))).toThrow(TypeError);
    expect(sim.card).toBeNull();
  });

  it('random garbage never contains 0xAA, so it cannot fake a preamble', async () => {
    const { ask, sim, host, device } = await rig();
    open = [host, device];
    sim.garbage = { maxBytes: 200, random: seededRandom(3) };
    const frames: ResponseFrame[] = [];
    const d = new ResponseDecoder();
    for (let i = 0; i < 50; i++) {
      const reply = await ask(h('AA AA AA 96 69 00 03 11 FF ED'));
      expect(reply.subarray(0, reply.length - 11).includes(0xaa)).toBe(false);
      for (const item of d.push(reply)) if (item.ok) frames.push(item.frame);
    }
    expect(frames.map((f) => f.sw3)).toEqual(Array(50).fill(0x90));
  });
});
