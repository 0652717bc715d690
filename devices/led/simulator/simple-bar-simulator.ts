import { decodeLedText } from '../codec/gb-text.ts';
import { type SimpleBarItem, SimpleBarDecoder } from '../codec/simple-bar-decoder.ts';
import { encodeAck, encodeNak } from '../codec/simple-bar-encode.ts';
import { BROADCAST_ADDRESS, MAX_BRIGHTNESS, SIMPLE_BAR_CMD, type SimpleBarFrame, commandNameOf } from '../codec/simple-bar-frame.ts';
import type { LedAddress } from '../led-driver.ts';
import { LedSimulator, type LedSimFault, type LedSimulatorOptions, type Send } from './led-simulator.ts';

export interface SimpleBarSimulatorOptions extends LedSimulatorOptions {
  /** The bars on the bus. Default: a bar at every address 1–254. */
  addresses?: LedAddress[];
}

/**
 * A whole RS-485 bus of simple-bar window bars on the device end of one ByteTransport. Each bar
 * answers only its own address, ignores frames with a bad XOR unless its address is in them
 * (then NAK), and obeys broadcasts (address 0) silently.
 */
export class SimpleBarSimulator extends LedSimulator<SimpleBarItem> {
  readonly #present: Set<LedAddress> | null;
  readonly #brightness = new Map<LedAddress, number>();

  constructor(opts: SimpleBarSimulatorOptions = {}) {
    super(opts);
    this.#present = opts.addresses ? new Set(opts.addresses) : null;
  }

  brightnessOf(address: LedAddress): number | undefined {
    return this.#brightness.get(address);
  }

  protected newDecoder(): SimpleBarDecoder {
    return new SimpleBarDecoder();
  }

  #hears(address: LedAddress): boolean {
    return address !== BROADCAST_ADDRESS && (this.#present?.has(address) ?? address <= 0xfe) && !this.isUnplugged(address);
  }

  protected handle(item: SimpleBarItem, send: Send): void {
    if (item.type === 'bad-frame') {
      if (this.#hears(item.address)) {
        this.log({ address: item.address, command: 'bad-checksum' });
        send(encodeNak(item.address));
      }
      return;
    }
    if (item.type !== 'frame') return;
    const { frame } = item;
    if (frame.address === BROADCAST_ADDRESS) {
      const targets = this.#present ? [...this.#present].filter((a) => !this.isUnplugged(a)) : this.addresses().filter((a) => !this.isUnplugged(a));
      this.log({ address: null, command: `broadcast ${commandNameOf(frame.cmd) ?? frame.cmd}`, ...this.#textOf(frame) });
      for (const a of targets) this.#apply(a, frame);
      return;
    }
    if (!this.#hears(frame.address)) return;
    const fault = this.takeFault(frame.address);
    const command = commandNameOf(frame.cmd) ?? `0x${frame.cmd.toString(16)}`;
    const entry = { address: frame.address, command, ...this.#textOf(frame), ...(fault ? { fault: fault.kind } : {}) };
    if (fault?.kind === 'no-reply') {
      this.log(entry);
      return;
    }
    this.log(entry);
    if (fault?.kind === 'bad-checksum' || !this.#apply(frame.address, frame)) {
      this.answer(send, encodeNak(frame.address), fault);
      return;
    }
    this.answer(send, fault?.kind === 'bad-reply' ? Buffer.from([0x86, frame.address]) : encodeAck(frame.address), fault);
  }

  #textOf(frame: SimpleBarFrame): { text?: string } {
    return frame.cmd === SIMPLE_BAR_CMD.show || frame.cmd === SIMPLE_BAR_CMD.scroll ? { text: decodeLedText(frame.data) } : {};
  }

  /** Carries out a command; false when the bar refuses it (NAK). */
  #apply(address: LedAddress, frame: SimpleBarFrame): boolean {
    switch (frame.cmd) {
      case SIMPLE_BAR_CMD.show:
      case SIMPLE_BAR_CMD.scroll:
        this.setCell(address, { text: decodeLedText(frame.data), effect: frame.cmd === SIMPLE_BAR_CMD.scroll ? 'scroll' : 'static' });
        return true;
      case SIMPLE_BAR_CMD.clear:
        this.setCell(address, { text: '', effect: 'static' });
        return true;
      case SIMPLE_BAR_CMD.brightness: {
        const level = frame.data[0]!;
        if (level > MAX_BRIGHTNESS) return false;
        this.#brightness.set(address, level);
        return true;
      }
      case SIMPLE_BAR_CMD.ping:
        return true;
      default:
        return false;
    }
  }
}

export type { LedSimFault };
