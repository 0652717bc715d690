import { HallqError } from '../domain/errors.ts';
import type { CardReadResult, CardReads } from '../personal/card-reads.ts';

/** A read older than this when it reaches the hub is refused: the resident has likely walked on. */
export const CARD_READ_MAX_AGE_MS = 15_000;

export type RemoteReadReply = { applied: true } | { applied: false; duplicate: true } | { applied: false; code: string };

/**
 * Card reads from an agent's reader. Each carries the agent's id for it and its age: a read the agent
 * sends again (its reply was lost) is applied once, and a read that arrives late is refused rather
 * than applied at another time than it was made. The full number goes no further than `accept`.
 */
export class RemoteCardReads {
  readonly #seen = new Map<string, RemoteReadReply>();

  constructor(
    private readonly cardReads: CardReads,
    private readonly deliver: (kioskId: string, outcome: { ok: true; read: CardReadResult } | { ok: false; error: HallqError }) => void,
  ) {}

  apply(kioskId: string, readId: string, ageMs: number, card: { name: string; idNumber: string; validUntil?: string | undefined }): RemoteReadReply {
    const key = `${kioskId}|${readId}`;
    if (this.#seen.has(key)) return { applied: false, duplicate: true };
    if (ageMs > CARD_READ_MAX_AGE_MS) {
      this.#remember(key, { applied: false, code: 'HQ_ERR_CARD_READ_STALE' });
      throw new HallqError('HQ_ERR_CARD_READ_STALE', { ageMs });
    }
    let reply: RemoteReadReply;
    try {
      const read = this.cardReads.accept({ name: card.name, idNumber: card.idNumber, validUntil: card.validUntil });
      this.deliver(kioskId, { ok: true, read });
      reply = { applied: true };
    } catch (err) {
      const error = err instanceof HallqError ? err : new HallqError('HQ_ERR_ID_CARD_UNREADABLE');
      this.deliver(kioskId, { ok: false, error });
      reply = { applied: false, code: error.code };
    }
    this.#remember(key, reply);
    return reply;
  }

  #remember(key: string, reply: RemoteReadReply): void {
    if (this.#seen.size >= 5_000) this.#seen.delete(this.#seen.keys().next().value!);
    this.#seen.set(key, reply);
  }
}
