import { decodeLedText } from '../codec/gb-text.ts';
import { ONBON_EFFECT, parseDualTextAreaData, replyData } from '../codec/onbon-commands.ts';
import { type OnbonDecoded, OnbonDecoder } from '../codec/onbon-decoder.ts';
import { HOST_ADDRESS, type OnbonFrame, bx56Header, dualHeader, encodeOnbonFrame } from '../codec/onbon-frame.ts';
import type { LedShowOptions } from '../led-driver.ts';
import { LedSimulator, type LedSimFault, type LedSimulatorOptions, type Send } from './led-simulator.ts';

export interface OnbonBxSimulatorOptions extends LedSimulatorOptions {
  /** The controller's screen number. Default 1. It also answers the wildcards 0xFFFF and 0xFFFE. */
  screen?: number;
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
 * NACKs the rest with ERR_NOCMD. Replies use the manual's ACK/NACK layout in the request's header
 * variant.
 */
export class OnbonBxSimulator extends LedSimulator<OnbonDecoded> {
  readonly screen: number;

  constructor(opts: OnbonBxSimulatorOptions = {}) {
    super(opts);
    this.screen = opts.screen ?? 1;
  }

  protected newDecoder(): OnbonDecoder {
    return new OnbonDecoder();
  }

  #reply(req: OnbonFrame | null, ack: boolean, error: number, fault: LedSimFault | null): Buffer {
    const dst = req?.header.src ?? HOST_ADDRESS;
    const header =
      req?.header.variant === 'bx56'
        ? bx56Header({ dst, src: this.screen, deviceType: req.header.deviceType })
        : dualHeader({ dst, src: this.screen, deviceType: req?.header.deviceType ?? 0xfe, protocolVersion: req?.header.protocolVersion ?? 0x02 });
    return encodeOnbonFrame(header, replyData(ack, error), { corruptCheck: fault?.kind === 'bad-reply' });
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
