import type { ByteTransport } from '../../transport.ts';
import { type LedCharset, encodeLedText } from '../codec/gb-text.ts';
import { ONBON_COLOR, ONBON_EFFECT, ONBON_ERROR_NAMES, dualPingData, dualTextAreaData, parseReply } from '../codec/onbon-commands.ts';
import { type OnbonDecoded, OnbonDecoder } from '../codec/onbon-decoder.ts';
import { HOST_ADDRESS, dualHeader, encodeOnbonFrame } from '../codec/onbon-frame.ts';
import { LedError } from '../errors.ts';
import type { LedAddress, LedShowOptions } from '../led-driver.ts';
import { BusLedDriver, type BusLedDriverOptions } from './bus-driver.ts';
import type { LedCommand, LedProtocol, Verdict } from './led-protocol.ts';

/** One dynamic text area of the controller, in pixels from the top-left corner. */
export interface OnbonTextArea {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Used when show() gives none. Default `static`. */
  effect?: 'static' | 'scroll';
  /** Used when show() gives none. Default: no colour escape (the controller's default colour). */
  color?: LedShowOptions['color'];
  /** Scroll speed, 0 (fastest) upwards. Default 0. */
  speed?: number;
  /** Default `left`. */
  align?: 'left' | 'center' | 'right';
  /** Let text run onto more lines (a tall area). Default false. */
  multiLine?: boolean;
}

export interface OnbonBxDriverOptions extends BusLedDriverOptions {
  /** The controller's screen number (屏号, DstAddr). Default 1. 0xFFFF reaches any controller on a point-to-point link. */
  screen?: number;
  /** The text areas by id (0–3 on BX-5/6): the LedAddress of show() and clear(). */
  areas: Record<number, OnbonTextArea>;
  /** The controller's font. Default `gb2312`. */
  charset?: LedCharset;
  /** Header DisplayMode: 0 (default) areas beside the stored programs, 1 dynamic areas first. */
  displayMode?: number;
  /** Longest text accepted, in bytes. Default 2048. */
  maxTextBytes?: number;
}

export const ONBON_DEFAULTS = { replyTimeoutMs: 1000, retries: 2, refreshIntervalMs: 60_000 } as const;

const ALIGN = { left: 0b00, right: 0b01, center: 0b10 } as const;

/** Onbon BX dual-colour text areas (A3/06) as a LedProtocol. */
export class OnbonBxProtocol implements LedProtocol<OnbonDecoded> {
  readonly name = 'onbon-bx';
  readonly #screen: number;
  readonly #areas: Map<number, OnbonTextArea>;
  readonly #charset: LedCharset;
  readonly #displayMode: number;
  readonly #maxTextBytes: number;

  constructor(opts: Pick<OnbonBxDriverOptions, 'screen' | 'areas' | 'charset' | 'displayMode' | 'maxTextBytes'>) {
    this.#screen = opts.screen ?? 1;
    if (!Number.isInteger(this.#screen) || this.#screen < 0 || this.#screen > 0xffff) throw new TypeError(`"screen" must be 0–65535, got ${this.#screen}`);
    this.#areas = new Map(Object.entries(opts.areas).map(([id, a]) => [Number(id), a]));
    for (const id of this.#areas.keys()) if (!Number.isInteger(id) || id < 0 || id > 0xff) throw new TypeError(`area ids must be 0–255, got ${id}`);
    this.#charset = opts.charset ?? 'gb2312';
    this.#displayMode = opts.displayMode ?? 0;
    this.#maxTextBytes = opts.maxTextBytes ?? 2048;
  }

  newDecoder(): OnbonDecoder {
    return new OnbonDecoder();
  }

  encode(cmd: LedCommand): Buffer {
    const area = this.#areas.get(cmd.address);
    if (!area) throw new LedError('HQ_ERR_LED_BAD_ADDRESS', `no text area ${cmd.address} on screen ${this.#screen} (configured: ${[...this.#areas.keys()].join(', ') || 'none'})`, { address: cmd.address });
    const header = dualHeader({ dst: this.#screen, displayMode: this.#displayMode });
    switch (cmd.kind) {
      case 'show':
        return encodeOnbonFrame(header, this.#textArea(cmd.address, area, cmd.text, cmd.opts));
      case 'clear':
        // A space, not an empty text: every controller draws that (an empty text area is unverified).
        return encodeOnbonFrame(header, this.#textArea(cmd.address, area, ' ', { effect: 'static' }, true));
      case 'brightness':
        throw new LedError('HQ_ERR_LED_UNSUPPORTED', 'set an Onbon controller’s brightness with the vendor tool', { address: cmd.address });
      case 'ping':
        return encodeOnbonFrame(header, dualPingData());
    }
  }

  #textArea(areaId: number, area: OnbonTextArea, text: string, opts: LedShowOptions, plain = false): Buffer {
    const color = plain ? undefined : (opts.color ?? area.color);
    // A backslash starts a colour escape (\C1): show a full-width one instead.
    const body = (color ? ONBON_COLOR[color] : '') + text.replace(/\\/g, '＼');
    const { bytes } = encodeLedText(body, this.#charset);
    if (bytes.length > this.#maxTextBytes) throw new LedError('HQ_ERR_LED_TEXT_TOO_LONG', `${bytes.length} bytes; at most ${this.#maxTextBytes}`, { address: areaId });
    const scroll = (opts.effect ?? area.effect) === 'scroll';
    return dualTextAreaData({
      area: {
        areaId,
        x: area.x,
        y: area.y,
        width: area.width,
        height: area.height,
        text: bytes,
        effect: scroll ? ONBON_EFFECT.left : ONBON_EFFECT.static,
        speed: area.speed ?? 0,
        align: ALIGN[area.align ?? 'left'],
        multiLine: area.multiLine ?? false,
        wrap: area.multiLine ?? false,
      },
    });
  }

  answers(): boolean {
    return true;
  }

  classify(item: OnbonDecoded, _address: LedAddress): Verdict | null {
    // A garbled frame may be noise before the real reply (or the reply itself): wait for a good
    // one or the timeout. Retrying at once could leave a second ACK on the way that would then
    // acknowledge the next command.
    if (!item.ok) return null;
    const reply = parseReply(item.frame.data);
    // Some controllers answer from source 0x8000, the PC's own address, so the source alone cannot
    // tell a reply from a request (ours echoed by an RS-485 adapter, or another PC's): from 0x8000
    // only an ACK/NACK counts, in either layout.
    if (item.frame.header.src === HOST_ADDRESS && !reply) return null;
    // Any other well-formed frame from the controller is an answer carrying data: it heard us.
    if (!reply || reply.ack) return { ack: true };
    return { ack: false, detail: `NACK ${ONBON_ERROR_NAMES[reply.error] ?? `error ${reply.error}`}` };
  }
}

/**
 * Text areas of one Onbon BX-5/BX-6 controller (the hall wall), over TCP (port 5005:
 * `onbonTcpTransport(host)`) or RS-232/485 (9600 or 57600 8N1: `serialLedTransport(path, 57600)`).
 * The LedAddress is the area id.
 *
 * @example
 * const wall = new OnbonBxDriver(onbonTcpTransport('10.0.0.9'), {
 *   areas: { 0: { x: 0, y: 0, width: 192, height: 32, effect: 'scroll', color: 'red' } },
 * });
 * wall.start();
 * wall.show(0, 'A012 请到3号窗口  A011 请到5号窗口').catch(log.warn);
 */
export class OnbonBxDriver extends BusLedDriver<OnbonDecoded> {
  constructor(transport: ByteTransport, opts: OnbonBxDriverOptions) {
    const { screen, areas, charset, displayMode, maxTextBytes, ...rest } = opts;
    super(transport, new OnbonBxProtocol({ screen, areas, charset, displayMode, maxTextBytes }), {
      ...rest,
      addresses: rest.addresses ?? Object.keys(areas).map(Number),
      replyTimeoutMs: opts.replyTimeoutMs ?? ONBON_DEFAULTS.replyTimeoutMs,
      retries: opts.retries ?? ONBON_DEFAULTS.retries,
      refreshIntervalMs: opts.refreshIntervalMs ?? ONBON_DEFAULTS.refreshIntervalMs,
    });
  }
}
