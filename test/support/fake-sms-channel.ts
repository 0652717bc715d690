import type { SmsChannel, SmsDelivery, SmsInbound } from '../../devices/sms-modem/channel.ts';

/**
 * An SMS channel for hub tests: keeps what it sent, hands in texts as a modem would (and waits for
 * the hub's acknowledgement, as the modem waits before deleting from the SIM), and fails on demand.
 */
export class FakeSmsChannel implements SmsChannel {
  readonly sent: { to: string; text: string; refs: string[] }[] = [];
  #inbound: ((m: SmsInbound) => Promise<void>) | null = null;
  #delivery: ((d: SmsDelivery) => void) | null = null;
  #ref = 0;
  /** Set to an error message: every send rejects with it (a modem with no network). */
  failing: string | null = null;

  async send(to: string, text: string): Promise<{ refs: string[] }> {
    if (this.failing) throw new Error(this.failing);
    const refs = [String(++this.#ref % 256)];
    this.sent.push({ to, text, refs });
    return { refs };
  }

  onInbound(handler: (m: SmsInbound) => Promise<void>): void {
    this.#inbound = handler;
  }

  onDelivery(handler: (d: SmsDelivery) => void): void {
    this.#delivery = handler;
  }

  /** A text arrives; resolves when the hub has taken it (the modem may then delete it). */
  async receive(from: string, text: string, ref = `in-${from}-${text}-${Date.now()}`, receivedAt = Date.now()): Promise<void> {
    if (!this.#inbound) throw new Error('nobody listens');
    await this.#inbound({ from, text, receivedAt, parts: 1, complete: true, ref });
  }

  report(d: SmsDelivery): void {
    this.#delivery?.(d);
  }

  state() {
    return { state: this.failing ? ('down' as const) : ('ok' as const), lastError: this.failing };
  }

  async close(): Promise<void> {}

  /** Texts sent to one number. */
  to(phone: string): string[] {
    return this.sent.filter((m) => m.to === phone).map((m) => m.text);
  }
}
