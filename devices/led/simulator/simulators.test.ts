import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { memoryPair } from '../../transport.ts';
import { encodeLedText } from '../codec/gb-text.ts';
import { dualClearScreenData, dualTextAreaData, parseReply } from '../codec/onbon-commands.ts';
import { type OnbonDecoded, OnbonDecoder } from '../codec/onbon-decoder.ts';
import { dualHeader, encodeOnbonFrame } from '../codec/onbon-frame.ts';
import { encodeSimpleBarFrame } from '../codec/simple-bar-encode.ts';
import { SIMPLE_BAR_CMD } from '../codec/simple-bar-frame.ts';
import { h, hex } from '../test-support/hex.ts';
import type { LedSimulator } from './led-simulator.ts';
import { OnbonBxSimulator, stripColorEscapes } from './onbon-bx-simulator.ts';
import { SimpleBarSimulator } from './simple-bar-simulator.ts';

/** Wires a simulator to a memory pair; `send` writes from the host end and returns what came back. */
function rig<I>(sim: LedSimulator<I>, scheduler: ManualScheduler) {
  const [host, dev] = memoryPair('sim');
  void host.open();
  void dev.open();
  sim.attach(dev);
  const back: Buffer[] = [];
  host.on('data', (c: Buffer) => back.push(c));
  return {
    async send(bytes: Buffer): Promise<Buffer> {
      back.length = 0;
      await host.write(bytes);
      await scheduler.advance(0);
      return Buffer.concat(back);
    },
  };
}

const show = (address: number, text: string, cmd: number = SIMPLE_BAR_CMD.show) => encodeSimpleBarFrame({ address, cmd, data: encodeLedText(text).bytes });

describe('SimpleBarSimulator', () => {
  it('keeps the text per address, with updatedAt of the first time it appeared, and emits changed only on change', async () => {
    const scheduler = new ManualScheduler(100);
    const sim = new SimpleBarSimulator({ scheduler, addresses: [3, 4] });
    const { send } = rig(sim, scheduler);
    const changed: string[] = [];
    sim.on('changed', (a, c) => changed.push(`${a}=${c.text}`));
    expect(hex(await send(show(3, 'A012 请到3号窗口')))).toBe('06 03');
    await scheduler.advance(50);
    expect(hex(await send(show(3, 'A012 请到3号窗口')))).toBe('06 03');
    expect(hex(await send(show(4, '暂停服务', SIMPLE_BAR_CMD.scroll)))).toBe('06 04');
    expect(sim.snapshot()).toEqual({
      3: { text: 'A012 请到3号窗口', effect: 'static', updatedAt: 100 },
      4: { text: '暂停服务', effect: 'scroll', updatedAt: 150 },
    });
    expect(changed).toEqual(['3=A012 请到3号窗口', '4=暂停服务']);
    expect(sim.textOf(5)).toBeUndefined();
    expect(sim.received.map((r) => `${r.address}:${r.command}:${r.text}`)).toEqual(['3:show:A012 请到3号窗口', '3:show:A012 请到3号窗口', '4:scroll:暂停服务']);
  });

  it('answers only present, plugged-in bars; NAKs a bad XOR only when the address is its own', async () => {
    const scheduler = new ManualScheduler();
    const sim = new SimpleBarSimulator({ scheduler, addresses: [3] });
    const { send } = rig(sim, scheduler);
    expect(hex(await send(show(9, 'x')))).toBe('');
    const bad = show(3, 'A012');
    bad[5]! ^= 1;
    expect(hex(await send(bad))).toBe('15 03');
    expect(sim.textOf(3)).toBeUndefined();
    sim.unplug(3);
    expect(hex(await send(show(3, 'x')))).toBe('');
    sim.plug(3);
    expect(hex(await send(encodeSimpleBarFrame({ address: 3, cmd: SIMPLE_BAR_CMD.ping })))).toBe('06 03');
  });

  it('NAKs a brightness above 15, takes 0–15', async () => {
    const scheduler = new ManualScheduler();
    const sim = new SimpleBarSimulator({ scheduler });
    const { send } = rig(sim, scheduler);
    expect(hex(await send(h('02 05 04 01 10 10 03')))).toBe('15 05'); // XOR 05^04^01^10 = 10
    expect(hex(await send(encodeSimpleBarFrame({ address: 5, cmd: SIMPLE_BAR_CMD.brightness, data: Uint8Array.of(15) })))).toBe('06 05');
    expect(sim.brightnessOf(5)).toBe(15);
  });

  it('obeys a broadcast silently; garbage and chunked answers per fault and option', async () => {
    const scheduler = new ManualScheduler();
    const sim = new SimpleBarSimulator({ scheduler, addresses: [1, 2], chunkSize: 1 });
    const { send } = rig(sim, scheduler);
    expect(hex(await send(show(0, '暂停服务')))).toBe('');
    expect([sim.textOf(1), sim.textOf(2)]).toEqual(['暂停服务', '暂停服务']);
    sim.fault({ kind: 'garbage', bytes: h('AA BB'), address: 2 });
    expect(hex(await send(encodeSimpleBarFrame({ address: 1, cmd: SIMPLE_BAR_CMD.clear })))).toBe('06 01');
    expect(hex(await send(encodeSimpleBarFrame({ address: 2, cmd: SIMPLE_BAR_CMD.clear })))).toBe('AA BB 06 02');
    expect(sim.pendingFaults).toBe(0);
  });
});

describe('OnbonBxSimulator', () => {
  const replies = (bytes: Buffer): OnbonDecoded[] => new OnbonDecoder().push(bytes);

  it('answers the manual’s 5th-generation ping (wildcard screen) with an ACK in the same header variant', async () => {
    const scheduler = new ManualScheduler();
    const sim = new OnbonBxSimulator({ scheduler, screen: 7 });
    const { send } = rig(sim, scheduler);
    const [r] = replies(await send(h('A5 A5 A5 A5 A5 A5 A5 A5 FE FF 00 80 F0 00 FE FF 00 00 00 00 05 00 00 00 01 A2 00 00 00 C6 86 5A')));
    expect(r?.ok && r.frame.header).toMatchObject({ variant: 'bx56', dst: 0x8000, src: 7 });
    expect(r?.ok && parseReply(r.frame.data)).toEqual({ ack: true, error: 0 });
  });

  it('keeps each area’s text and colour; A3/10 blanks them all; unknown commands get NACK ERR_NOCMD', async () => {
    const scheduler = new ManualScheduler();
    const sim = new OnbonBxSimulator({ scheduler });
    const { send } = rig(sim, scheduler);
    const area = (areaId: number, text: string) =>
      encodeOnbonFrame(dualHeader(), dualTextAreaData({ area: { areaId, x: 0, y: 16 * areaId, width: 128, height: 16, text: encodeLedText(text).bytes, effect: 3 } }));
    await send(area(0, '\\C2A012 请到3号窗口'));
    await send(area(1, '\\C3暂停服务'));
    expect(sim.snapshot()).toEqual({
      0: { text: 'A012 请到3号窗口', effect: 'scroll', color: 'green', updatedAt: 0 },
      1: { text: '暂停服务', effect: 'scroll', color: 'yellow', updatedAt: 0 },
    });
    await send(encodeOnbonFrame(dualHeader(), dualClearScreenData()));
    expect([sim.textOf(0), sim.textOf(1)]).toEqual(['', '']);
    const [r] = replies(await send(encodeOnbonFrame(dualHeader(), h('A4 05 01 00 00'))));
    expect(r?.ok && parseReply(r.frame.data)).toEqual({ ack: false, error: 2 });
  });

  it('NACKs a frame with a bad CRC with ERR_CHECKSUM, ignores other screens', async () => {
    const scheduler = new ManualScheduler();
    const sim = new OnbonBxSimulator({ scheduler });
    const { send } = rig(sim, scheduler);
    const frame = encodeOnbonFrame(dualHeader(), dualClearScreenData(), { corruptCheck: true });
    const [r] = replies(await send(frame));
    expect(r?.ok && parseReply(r.frame.data)).toEqual({ ack: false, error: 5 });
    expect(await send(encodeOnbonFrame(dualHeader({ dst: 2 }), dualClearScreenData()))).toEqual(Buffer.alloc(0));
  });

  it('strips colour escapes, first colour wins', () => {
    expect(stripColorEscapes('\\C1A\\C2B')).toEqual({ text: 'AB', color: 'red' });
    expect(stripColorEscapes('plain')).toEqual({ text: 'plain' });
  });
});
