import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { memoryPair } from '../../transport.ts';
import { encodeFrame, frame } from '../codec/encode-frame.ts';
import { DEFAULT_PROTOCOL, callerProtocol } from '../codec/protocol.ts';
import { beepFrame, lcdFrame } from '../codec/host-frames.ts';
import { CallerKeypadSimulator, type CallerKeypadSimulatorOptions } from './caller-keypad-simulator.ts';

// The simulator alone, with the test as the host: what it sends, when it resends, what it records.

async function rig(opts: CallerKeypadSimulatorOptions = {}) {
  const clock = new ManualScheduler(0);
  const [host, device] = memoryPair('keypads');
  await host.open();
  await device.open();
  const heard: Buffer[] = [];
  host.on('data', (b: Buffer) => heard.push(b));
  const sim = new CallerKeypadSimulator(device, { scheduler: clock, ...opts });
  const send = (f: Parameters<typeof encodeFrame>[0]) => host.write(encodeFrame(f));
  return { clock, host, sim, heard, send };
}

describe('CallerKeypadSimulator', () => {
  it('resends every ackTimeoutMs, then gives up after maxResends', async () => {
    const { clock, sim, heard } = await rig({ ackTimeoutMs: 300, maxResends: 3 });
    let result: boolean | undefined;
    void sim.press(2, 'call').then((r) => (result = r));
    const times: number[] = [];
    for (let t = 0; t <= 1300; t += 50) {
      const before = heard.length;
      await clock.advance(t === 0 ? 0 : 50);
      if (heard.length > before) times.push(clock.now());
    }
    expect(times).toEqual([0, 300, 600, 900]);
    expect(Buffer.concat(heard).toString('hex')).toBe(encodeFrame(frame(2, 1, [0x0c])).toString('hex').repeat(4));
    expect(result).toBe(false);
    expect(sim.gaveUp).toBe(1);
    expect(sim.pending).toBe(0);
  });

  it('sends one frame at a time per address, the next after the ACK; other addresses do not wait', async () => {
    const { clock, sim, send } = await rig();
    void sim.press(2, 'call');
    void sim.press(2, 'recall');
    void sim.press(5, 'pause');
    await clock.advance(0);
    expect(sim.sent.map((f) => `${f.address}:${f.data.toString('hex')}`)).toEqual(['2:0c', '5:12']);
    await send(frame(2, 1, [0x0c]));
    await clock.advance(0);
    expect(sim.sent.map((f) => `${f.address}:${f.data.toString('hex')}`)).toEqual(['2:0c', '5:12', '2:0d']);
    expect(sim.pending).toBe(2);
  });

  it('records LCD, beeps and rating requests for its addresses only; everything heard is kept', async () => {
    const { clock, sim, send } = await rig({ addresses: [1, 2] });
    await send(lcdFrame(1, { waiting: 12, current: 'C088' }, DEFAULT_PROTOCOL));
    await send(lcdFrame(7, { waiting: 1 }, DEFAULT_PROTOCOL));
    await clock.advance(40);
    await send(beepFrame(2, DEFAULT_PROTOCOL));
    await send(frame(2, 0x01, [0x0b]));
    await clock.advance(0);
    expect(sim.lcd(1)).toEqual({ waiting: '012', current: '088' });
    expect(sim.lcd(7)).toBeUndefined();
    expect(sim.beeps(2)).toEqual([40]);
    expect(sim.ratingRequests(2)).toBe(1);
    expect(sim.received).toHaveLength(4);
  });

  it('refuses what it cannot send, naming the problem', async () => {
    const { sim } = await rig({ protocol: { keyCodes: { 0x0c: 'call' } } });
    expect(() => sim.press(1, 'recall')).toThrow(/no code for "recall"/);
    expect(() => sim.press(1, 'call', '1a')).toThrow(/"arg" must be digits/);
    expect(() => sim.press(1, 'digit')).toThrow(/needs the digit/);
    expect(() => sim.rate(1, 3)).not.toThrow();
    const noLevel3 = await rig({ protocol: { ratingLevels: { 0: 5 } } });
    expect(() => noLevel3.sim.rate(1, 3)).toThrow(/no score index for level 3/);
    expect(callerProtocol().keyFunc).toBe(0x01);
  });

  it('detach() stops resending; the press resolves false', async () => {
    const { clock, sim, heard } = await rig();
    const pressed = sim.press(2, 'call');
    await clock.advance(0);
    sim.detach();
    expect(await pressed).toBe(false);
    await clock.advance(5000);
    expect(heard).toHaveLength(1);
    expect(clock.pending).toEqual([]);
  });
});
