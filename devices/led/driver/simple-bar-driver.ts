import type { ByteTransport } from '../../transport.ts';
import { type LedCharset, encodeLedText } from '../codec/gb-text.ts';
import { type SimpleBarItem, SimpleBarDecoder } from '../codec/simple-bar-decoder.ts';
import { encodeSimpleBarFrame } from '../codec/simple-bar-encode.ts';
import { BROADCAST_ADDRESS, MAX_BRIGHTNESS, MAX_DATA_LENGTH, MAX_UNIT_ADDRESS, SIMPLE_BAR_CMD } from '../codec/simple-bar-frame.ts';
import { LedError } from '../errors.ts';
import type { LedAddress } from '../led-driver.ts';
import { BusLedDriver, type BusLedDriverOptions } from './bus-driver.ts';
import type { LedCommand, LedProtocol, Verdict } from './led-protocol.ts';

export interface SimpleBarDriverOptions extends BusLedDriverOptions {
  /** The bars' font. Default `gb2312` (characters outside it are sent as `?`). */
  charset?: LedCharset;
}

export const SIMPLE_BAR_DEFAULTS = { replyTimeoutMs: 200, retries: 3, refreshIntervalMs: 30_000 } as const;

/** simple-bar as a LedProtocol (README.md has the spec). */
export class SimpleBarProtocol implements LedProtocol<SimpleBarItem> {
  readonly name = 'simple-bar';
  constructor(private readonly charset: LedCharset = 'gb2312') {}

  newDecoder(): SimpleBarDecoder {
    return new SimpleBarDecoder({ replies: true });
  }

  encode(cmd: LedCommand): Buffer {
    const { address } = cmd;
    if (!Number.isInteger(address) || address < BROADCAST_ADDRESS || address > MAX_UNIT_ADDRESS) {
      throw new LedError('HQ_ERR_LED_BAD_ADDRESS', `simple-bar addresses are 0 (broadcast) and 1–254, got ${address}`, { address });
    }
    switch (cmd.kind) {
      case 'show': {
        const { bytes } = encodeLedText(cmd.text, this.charset);
        if (bytes.length > MAX_DATA_LENGTH) throw new LedError('HQ_ERR_LED_TEXT_TOO_LONG', `${bytes.length} bytes; a simple-bar frame carries ${MAX_DATA_LENGTH}`, { address });
        return encodeSimpleBarFrame({ address, cmd: cmd.opts.effect === 'scroll' ? SIMPLE_BAR_CMD.scroll : SIMPLE_BAR_CMD.show, data: bytes });
      }
      case 'clear':
        return encodeSimpleBarFrame({ address, cmd: SIMPLE_BAR_CMD.clear });
      case 'brightness':
        if (!Number.isInteger(cmd.level) || cmd.level < 0 || cmd.level > MAX_BRIGHTNESS) {
          throw new LedError('HQ_ERR_LED_BAD_ARGUMENT', `brightness must be 0–${MAX_BRIGHTNESS}, got ${cmd.level}`, { address });
        }
        return encodeSimpleBarFrame({ address, cmd: SIMPLE_BAR_CMD.brightness, data: Uint8Array.of(cmd.level) });
      case 'ping':
        return encodeSimpleBarFrame({ address, cmd: SIMPLE_BAR_CMD.ping });
    }
  }

  answers(address: LedAddress): boolean {
    return address !== BROADCAST_ADDRESS;
  }

  classify(item: SimpleBarItem, address: LedAddress): Verdict | null {
    if (item.type === 'ack' && item.address === address) return { ack: true };
    if (item.type === 'nak' && item.address === address) return { ack: false, detail: 'NAK' };
    // Our own echo, another bar's reply, a frame seen on the bus: not an answer to us.
    return null;
  }
}

/**
 * Window bars on one RS-485 bus, speaking simple-bar (9600 8N1 by default on the bars; open the
 * port with `serialLedTransport(path)` from transport/led-transports.ts).
 *
 * @example
 * const bars = new SimpleBarDriver(serialLedTransport('/dev/ttyUSB1'), { addresses: [1, 2, 3] });
 * bars.on('status', (s) => publishDeviceStatus(`led:${s.address}`, s));
 * bars.start();
 * bars.show(3, 'A012 请到3号窗口').catch(log.warn);
 */
export class SimpleBarDriver extends BusLedDriver<SimpleBarItem> {
  constructor(transport: ByteTransport, opts: SimpleBarDriverOptions = {}) {
    const { charset, ...rest } = opts;
    super(transport, new SimpleBarProtocol(charset), {
      ...rest,
      replyTimeoutMs: opts.replyTimeoutMs ?? SIMPLE_BAR_DEFAULTS.replyTimeoutMs,
      retries: opts.retries ?? SIMPLE_BAR_DEFAULTS.retries,
      refreshIntervalMs: opts.refreshIntervalMs ?? SIMPLE_BAR_DEFAULTS.refreshIntervalMs,
    });
  }
}
