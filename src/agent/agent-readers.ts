import { randomBytes } from 'node:crypto';
import type { IdCard } from '../../devices/idcard/index.ts';
import { IdCardReaderDevice } from '../devices-bridge/hosts/idcard-reader.ts';

export interface AgentReader {
  device: string;
  kioskId: string;
  uri: string;
}

export interface CardReadPost {
  device: string;
  readId: string;
  ageMs: number;
  card: { name: string; idNumber: string; validUntil?: string };
}

/** How long a read may try to reach the hub before the reader refuses it here. */
const DELIVER_WITHIN_MS = 5_000;

/**
 * The ID-card readers of this PC. A read goes to the hub at once with an id of its own (so a retry
 * is applied once) and its age; if the hub cannot be reached within a few seconds it is refused here,
 * with a message for the resident, and not kept: a read applied minutes later, at another moment than
 * it was made, would be worse than none. The number is held only for that moment, never written.
 */
export class AgentReaders {
  readonly #readers: IdCardReaderDevice[] = [];

  constructor(
    specs: readonly AgentReader[],
    send: (read: CardReadPost) => Promise<'applied' | 'refused'>,
    refuseHere: (zh: string, en: string) => void,
    reportStatus: (device: string, state: string, detail: string) => void,
  ) {
    for (const spec of specs) {
      // The hub's own reader host: the same driver, link and states.
      const device = new IdCardReaderDevice(spec.device, spec.uri, (s) => reportStatus(spec.device, s.state, s.detail));
      device.reader.on('card', (card: IdCard) => {
        const readAt = Date.now();
        const readId = randomBytes(12).toString('base64url');
        const body = (): CardReadPost => ({ device: spec.device, readId, ageMs: Date.now() - readAt, card: { name: card.name, idNumber: card.idNumber, ...(card.validUntil ? { validUntil: card.validUntil } : {}) } });
        void (async () => {
          for (;;) {
            try {
              if ((await send(body())) === 'refused') refuseHere('读卡已过时，请重新刷卡', 'the read came too late; place the card again');
              return;
            } catch {
              if (Date.now() - readAt > DELIVER_WITHIN_MS) {
                refuseHere('暂时无法连接叫号服务器，本次读卡未受理，请稍后重新刷卡或到导办台', 'the hub cannot be reached: this read was not used; place the card again later or see the guide desk');
                return;
              }
              await new Promise((r) => setTimeout(r, 500));
            }
          }
        })();
      });
      device.start();
      this.#readers.push(device);
    }
  }

  async close(): Promise<void> {
    for (const r of this.#readers) await r.stop();
  }
}
