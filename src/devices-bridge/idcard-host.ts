import { EventEmitter } from 'node:events';
import { exampleCard, IdCardDataError, type IdCardReader, type IdCardSimulator, type IdCard, type SimCard } from '../../devices/idcard/index.ts';
import { ERRORS, HallqError } from '../domain/errors.ts';
import type { CardReadResult, CardReads } from '../personal/card-reads.ts';
import { reportStatus, type DeviceStatus, type Emit } from './device-status.ts';
import { IdCardReaderDevice } from './hosts/idcard-reader.ts';

export interface IdCardHostConfig {
  /** `sim`, or `serial:/dev/ttyUSB0` (115200 unless `?baud=`). */
  uri: string;
  /** The kiosk whose screen the reads go to. */
  kioskId: string;
}

/** What the simulator control endpoint places on the reader. */
export interface SimCardInput {
  name: string;
  idNumber: string;
  validUntil?: string | undefined;
}

type ReadOutcome = { ok: true; read: CardReadResult } | { ok: false; error: HallqError };

/**
 * Runs the ID-card reader of one kiosk inside the hub (the device host of DESIGN §4; the reader itself
 * is the shared IdCardReaderDevice an agent runs too). A card read
 * becomes a short-lived `cardToken` sent to that kiosk's room as `card.read`; the full number goes
 * no further than `CardReads.accept`. With `uri: sim` the reader talks to the simulator over an
 * in-memory byte link, so the demo and the tests run the real codec and driver.
 */
export class IdCardHost {
  readonly device: IdCardReaderDevice;
  readonly reader: IdCardReader;
  readonly simulator: IdCardSimulator | null;
  #status: DeviceStatus;
  readonly #outcomes = new EventEmitter();
  #cardOn = false;

  constructor(
    readonly config: IdCardHostConfig,
    private readonly cardReads: CardReads,
    private readonly emit: Emit,
  ) {
    this.#status = { device: `idcard:${config.kioskId}`, kind: 'idcard', kioskId: config.kioskId, state: 'starting', detail: '', at: Date.now() };
    this.device = new IdCardReaderDevice(this.#status.device, config.uri, (s) => {
      this.#status = reportStatus(this.emit, this.#status.device, 'idcard', s, this.config.kioskId);
    });
    this.reader = this.device.reader;
    this.simulator = this.device.simulator;
    this.reader.on('card', (card) => this.#onCard(card));
    this.reader.on('removed', () => {
      this.#cardOn = false;
      this.#outcomes.emit('removed');
    });
    this.reader.on('error', (err) => {
      // A card that reads but cannot be trusted (bad ID checksum, unsupported layout) is refused
      // on the kiosk; link and SAM trouble shows in device.status instead.
      if (!(err instanceof IdCardDataError)) return;
      this.#cardOn = true;
      const error = new HallqError(err.code === 'HQ_ERR_IDCARD_ID_NUMBER_INVALID' ? 'HQ_ERR_ID_NUMBER_INVALID' : 'HQ_ERR_ID_CARD_UNREADABLE', { field: err.field });
      this.#refuse(error);
      this.#outcomes.emit('outcome', { ok: false, error } satisfies ReadOutcome);
    });
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  start(): void {
    this.reader.start();
  }

  async stop(): Promise<void> {
    await this.reader.stop();
  }

  #onCard(card: IdCard): void {
    this.#cardOn = true;
    let outcome: ReadOutcome;
    try {
      const read = this.cardReads.accept({ name: card.name, idNumber: card.idNumber, validUntil: card.validUntil });
      this.emit(`kiosk:${this.config.kioskId}`, 'card.read', read);
      outcome = { ok: true, read };
    } catch (err) {
      const error = err instanceof HallqError ? err : new HallqError('HQ_ERR_ID_NUMBER_INVALID');
      this.#refuse(error);
      outcome = { ok: false, error };
    }
    this.#outcomes.emit('outcome', outcome);
  }

  /** The kiosk tells the resident why, in their language (expired card, failed checksum…). */
  #refuse(error: HallqError): void {
    this.emit(`kiosk:${this.config.kioskId}`, 'card.refused', { code: error.code, message: error.message, zh: ERRORS[error.code].zh, en: ERRORS[error.code].en });
  }

  /**
   * Simulator only: a resident places this card and takes it back once it is read. Resolves with
   * what the kiosk was sent, after the bytes went through the codec and the driver.
   */
  async insert(input: SimCardInput, timeoutMs = 5000): Promise<CardReadResult> {
    const sim = this.simulator;
    if (!sim) throw new HallqError('HQ_ERR_SIMULATOR_DISABLED');
    if (this.#cardOn || sim.card) {
      sim.remove();
      await this.#next('removed', timeoutMs);
    }
    const card: SimCard = exampleCard({
      name: input.name,
      idNumber: input.idNumber.toUpperCase(),
      birth: /^\d{17}[\dX]$/i.test(input.idNumber) ? input.idNumber.slice(6, 14) : '19700101',
      validUntil: input.validUntil ?? '长期',
    });
    try {
      sim.place(card);
    } catch (err) {
      // A field the card cannot hold (the simulator says which); nothing was placed.
      throw new HallqError('HQ_ERR_VALIDATION', { field: 'card' }, { zh: '模拟卡字段超长', en: (err as Error).message });
    }
    const outcome = this.#next('outcome', timeoutMs) as Promise<ReadOutcome>;
    const result = await outcome;
    sim.remove();
    if (!result.ok) throw result.error;
    return result.read;
  }

  #next(event: 'removed' | 'outcome', timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#outcomes.off(event, done);
        reject(new HallqError('HQ_ERR_SIMULATOR_DISABLED', { reason: `the simulated reader did not answer within ${timeoutMs} ms` }));
      }, timeoutMs);
      const done = (v: unknown) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.#outcomes.once(event, done);
    });
  }
}
