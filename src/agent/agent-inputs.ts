import { randomBytes } from 'node:crypto';
import type { DeviceInput } from '../realtime/protocol.ts';

export interface InputPost {
  device: string;
  inputId: string;
  ageMs: number;
  input: DeviceInput;
}

/** The hub's answer: taken (applied, or refused there for a reason of the hall's), or refused as too late. */
export type InputAnswer = 'taken' | 'stale';

/**
 * How long an input may try to reach the hub before it is refused here. A key is for now: after a few
 * seconds the clerk has pressed again or turned to the console. A score counts at the time it was
 * given, so it may wait longer, but not past the rating's own time limit (30 s by default).
 */
export const DELIVER_WITHIN_MS: Record<DeviceInput['kind'], number> = { key: 3_000, rating: 20_000 };

/**
 * Keys and scores of this PC's bus devices, each sent to the hub with an id of its own (a retry is
 * applied once) and its age, retried until its limit, then refused here: the device beeps urgently
 * where it can and the console and page say why. Nothing is kept past that: never applied late, never
 * lost without a word.
 */
export class AgentInputs {
  constructor(
    private readonly send: (post: InputPost) => Promise<InputAnswer>,
    private readonly refuseHere: (device: string, input: DeviceInput, zh: string, en: string) => void,
  ) {}

  deliver(device: string, input: DeviceInput, at: number): Promise<'sent' | 'refused'> {
    const inputId = randomBytes(12).toString('base64url');
    return (async () => {
      for (;;) {
        try {
          if ((await this.send({ device, inputId, ageMs: Math.max(0, Date.now() - at), input })) === 'stale') {
            this.refuseHere(device, input, '按键后过久才送达，未予受理，请重新按键', 'the press reached the hub too late and was not used; press again');
            return 'refused';
          }
          return 'sent';
        } catch {
          if (Date.now() - at > DELIVER_WITHIN_MS[input.kind]) {
            this.refuseHere(
              device,
              input,
              input.kind === 'key' ? '暂时无法连接叫号服务器，本次按键未受理，请稍后重按或使用窗口电脑' : '暂时无法连接叫号服务器，本次评价未记录',
              input.kind === 'key' ? 'the hub cannot be reached: this key press was not used; press again later or use the console' : 'the hub cannot be reached: this rating was not recorded',
            );
            return 'refused';
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    })();
  }
}
