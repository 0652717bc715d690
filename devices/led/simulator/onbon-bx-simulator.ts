import { decodeLedText } from '../codec/gb-text.ts';
import { ONBON_EFFECT, type OnbonReplyLayout, parseDualTextAreaData, parseReply, replyData } from '../codec/onbon-commands.ts';
import { type OnbonDecoded, OnbonDecoder } from '../codec/onbon-decoder.ts';
import { HOST_ADDRESS, type OnbonFrame, bx56Header, dualHeader, encodeOnbonFrame } from '../codec/onbon-frame.ts';
import type { LedShowOptions } from '../led-driver.ts';
import { LedSimulator, type LedSimFault, type LedSimulatorOptions, type Send } from './led-simulator.ts';

export interface OnbonBxSimulatorOptions extends LedSimulatorOptions {
  /** The controller's screen number. Default 1. It also answers the wildcards 0xFFFF and 0xFFFE. */
  screen?: number;
  /** How ACK/NACK replies are laid out: `5-byte` (default, what the vendor's public client reads) or `9-byte` (the manual's). */
  replyLayout?: OnbonReplyLayout;
  /** The source address of replies. Default the screen number; some controllers answer from 0x8000. */
  replySource?: number;
}

const COLORS: Record<string, LedShowOptions['color']> = { '1': 'red', '2': 'green', '3': 'yellow' };
const ERR_NOCMD = 2;
const ERR_CHECKSUM = 5;
const ERR_SCREEN_PARA = 18;

/** `\C1A012` → { text: 'A012', color: 'red' } (the first colour escape wins). */
export function stripColorEscapes(raw: string): { text: string; color?: LedShowOptions['color'] } {
  let color: LedShowOptions['color'];
  const text = raw.replace(/\\C([1-3])/g, (_, n: string) => {
    color ??= COLORS[n];
    return '';
  });
  return color ? { text, color } : { text };
}

/**
 * One Onbon BX controller: answers ping (dual A2/00 and 5th/6th-generation 01 A2 00), keeps the
 * text of each dynamic area from A3/06 (the LedAddress is the area id), blanks all on A3/10, and
 * NACKs the rest with ERR_NOCMD. Replies are in the request's header variant, laid out as the
 * vendor's public client reads them (5 bytes) unless `replyLayout: '9-byte'` (the manual's).
 */
export class OnbonBxSimulator extends LedSimulator<OnbonDecoded> {
  readonly screen: number;
  readonly replyLayout: OnbonReplyLayout;
  readonly replySource: number;

  constructor(opts: OnbonBxSimulatorOptions = {}) {
    super(opts);
    this.screen = opts.screen ?? 1;
    this.replyLayout = opts.replyLayout ?? '5-byte';
    if (this.replyLayout !== '5-byte' && this.replyLayout !== '9-byte') throw new TypeError(`"replyLayout" must be '5-byte' or '9-byte', got ${JSON.stringify(this.replyLayout)}`);
    this.replySource = opts.replySource ?? this.screen;
  }

  protected newDecoder(): OnbonDecoder {
    return new OnbonDecoder();
  }

  #reply(req: OnbonFrame | null, ack: boolean, error: number, fault: LedSimFault | null): Buffer {
    const dst = req?.header.src ?? HOST_ADDRESS;
    const header =
      req?.header.variant === 'bx56'
        ? bx56Header({ dst, src: this.replySource, deviceType: req.header.deviceType })
        : dualHeader({ dst, src: this.replySource, deviceType: req?.header.deviceType ?? 0xfe, protocolVersion: req?.header.protocolVersion ?? 0x02 });
    return encodeOnbonFrame(header, replyData(ack, error, this.replyLayout), { corruptCheck: fault?.kind === 'bad-reply' });
  }

  protected handle(item: OnbonDecoded, send: Send): void {
    if (!item.ok) {
      if (item.reason === 'check' && !this.isUnplugged(this.screen)) {
        this.log({ address: null, command: 'bad-checksum' });
        send(this.#reply(null, false, ERR_CHECKSUM, null));
      }
      return;
    }
    const { header, data } = item.frame;
    if (header.src !== HOST_ADDRESS && header.dst === HOST_ADDRESS) return; // another controller's reply
    if (parseReply(data)) return; // a reply from a controller that answers from 0x8000 (or our own, echoed)
    if (header.dst !== this.screen && header.dst !== 0xffff && header.dst !== 0xfffe) return;
    if (this.isUnplugged(this.screen)) return;

    const areaData = header.variant === 'dual' && data[0] === 0xa3 && data[1] === 0x06 ? parseDualTextAreaData(data) : null;
    const address = areaData?.areas[0]?.areaId ?? null;
    const fault = this.takeFault(address);
    const command = this.#commandName(item.frame);
    const firstText = areaData?.areas[0] ? stripColorEscapes(decodeLedText(areaData.areas[0].text)).text : undefined;
    this.log({ address, command, ...(firstText === undefined ? {} : { text: firstText }), ...(fault ? { fault: fault.kind } : {}) });
    if (fault?.kind === 'no-reply') return;
    if (fault?.kind === 'bad-checksum') {
      this.answer(send, this.#reply(item.frame, false, ERR_CHECKSUM, null), fault);
      return;
    }
    const error = this.#apply(item.frame, areaData);
    this.answer(send, this.#reply(item.frame, error === 0, error, fault), fault);
  }

  #commandName(frame: OnbonFrame): string {
    const d = frame.data;
    if (frame.header.variant === 'bx56') return d[1] === 0xa2 && d[2] === 0x00 ? 'ping' : `bx56 ${d.subarray(1, 3).toString('hex')}`;
    if (d[0] === 0xa2 && d[1] === 0x00) return 'ping';
    if (d[0] === 0xa3 && d[1] === 0x06) return 'text-area';
    if (d[0] === 0xa3 && d[1] === 0x10) return 'clear-screen';
    return d.subarray(0, 2).toString('hex');
  }

  /** Carries out a request; returns the error register value (0 = ACK). */
  #apply(frame: OnbonFrame, areaData: ReturnType<typeof parseDualTextAreaData>): number {
    const d = frame.data;
    if (frame.header.variant === 'bx56') return d[1] === 0xa2 && d[2] === 0x00 ? 0 : ERR_NOCMD;
    if (d[0] === 0xa2 && d[1] === 0x00) return 0;
    if (d[0] === 0xa3 && d[1] === 0x10) {
      for (const a of this.addresses()) this.setCell(a, { text: '', effect: 'static' });
      return 0;
    }
    if (d[0] === 0xa3 && d[1] === 0x06) {
      if (!areaData) return ERR_SCREEN_PARA;
      const del = areaData.deleteAreas === 'all' ? this.addresses() : areaData.deleteAreas;
      for (const a of del) this.setCell(a, { text: '', effect: 'static' });
      for (const area of areaData.areas) {
        const { text, color } = stripColorEscapes(decodeLedText(area.text));
        // A lone space is how the driver blanks an area.
        this.setCell(area.areaId, { text: text === ' ' ? '' : text, effect: area.effect === ONBON_EFFECT.static ? 'static' : 'scroll', ...(color ? { color } : {}) });
      }
      return 0;
    }
    return ERR_NOCMD;
  }
}
