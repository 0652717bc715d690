import type { Scheduler } from '../../devices/scheduler.ts';
import type { Db } from '../store/open-db.ts';
import type { ApplicantSeal } from '../personal/applicant-seal.ts';
import type { ApplicantKeeper } from '../store/handle-command.ts';
import type { ResolvedUpstreamConfig } from './config.ts';
import type { UpstreamAdapter } from './adapter.ts';
import { GenericJsonAdapter } from './generic-json-adapter.ts';
import { ZhejiangFormAdapter } from './zhejiang-form-adapter.ts';
import { AnhuiPageAdapter } from './anhui-page-adapter.ts';
import { OutboxStore } from './outbox-store.ts';
import { UpstreamWorker, type UpstreamStatus } from './worker.ts';
import { Reconciler, receivedQuery } from './reconcile.ts';

export { classifyStatus, type DeliveryResult, type StatusClass, type UpstreamAdapter } from './adapter.ts';
export {
  AdapterKindSchema,
  codeProblems,
  FieldFormatSchema,
  resolveUpstreamConfig,
  UpstreamCodesSchema,
  UpstreamItemSchema,
  type AdapterKind,
  type HallCodesContext,
  type UpstreamCodes,
  type UpstreamItem,
  UpstreamConfigSchema,
  UpstreamMappingSchema,
  type FieldFormat,
  type ResolvedUpstreamConfig,
  type UpstreamConfig,
  type UpstreamMapping,
} from './config.ts';
export { UpstreamError, type UpstreamErrorCode } from './errors.ts';
export { GenericJsonAdapter, signBody, type GenericJsonAdapterOptions } from './generic-json-adapter.ts';
export { ZhejiangFormAdapter, readResult, type ZhejiangFormAdapterOptions } from './zhejiang-form-adapter.ts';
export type { Applicant, RatingRecord, RecordKind } from './record.ts';
export { AnhuiPageAdapter, readCustom, type AnhuiPageAdapterOptions, type PageCase } from './anhui-page-adapter.ts';
export { buildBody } from './mapping.ts';
export { Reconciler, receivedQuery, type Reconciliation, type ReceivedQuery } from './reconcile.ts';
export { DEAD_LETTER, enqueueOutbox, OUTBOX_INSERT_SQL, OutboxStore, type Backlog, type OutboxRow } from './outbox-store.ts';
export {
  backoffDelay,
  UpstreamWorker,
  type DeadLetterEvent,
  type DeliveredEvent,
  type FailedEvent,
  type UpstreamState,
  type UpstreamStatus,
  type UpstreamWorkerOptions,
} from './worker.ts';

/** The configured province's adapter. */
export function createAdapter(config: ResolvedUpstreamConfig, extra: { scheduler?: Scheduler; fetch?: typeof fetch } = {}): UpstreamAdapter {
  switch (config.adapter) {
    case 'generic-json':
      return GenericJsonAdapter.fromConfig(config, extra);
    case 'zhejiang-form':
      return ZhejiangFormAdapter.fromConfig(config, extra);
    case 'anhui-page':
      return AnhuiPageAdapter.fromConfig(config, extra);
    default: {
      const _exhaustive: never = config.adapter;
      return _exhaustive;
    }
  }
}

/**
 * The hub's wiring in one call: the store over the hub's database, the configured adapter and the
 * worker, from a resolved `upstream:` config. Call `worker.start()` once the hub is up,
 * `worker.notify()` after each commit that recorded a rating, and `await worker.stop()` before
 * closing the database.
 */
export function createUpstream(
  db: Db,
  config: ResolvedUpstreamConfig,
  opts: { scheduler?: Scheduler; fetch?: typeof fetch; onStatus?: (status: UpstreamStatus) => void; seal?: ApplicantSeal | null; hallTimeZone?: string } = {},
): { store: OutboxStore; adapter: UpstreamAdapter; worker: UpstreamWorker; keeper: ApplicantKeeper | null; reconciler: Reconciler | null } {
  const seal = opts.seal ?? null;
  // The test's clock and fetch, where given; else each part's own defaults.
  const io = { ...(opts.scheduler ? { scheduler: opts.scheduler } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  const store = new OutboxStore(db, seal);
  const adapter = createAdapter(config, io);
  const worker = new UpstreamWorker(store, adapter, {
    scheduler: opts.scheduler,
    backoff: config.backoff,
    pollMs: config.pollMs,
    deadLetter: config.deadLetter,
    onStatus: opts.onStatus,
    applicantEraseAfterHours: config.applicant.eraseAfterHours,
  });
  const eraseAfterMs = Math.round(config.applicant.eraseAfterHours * 3_600_000);
  const keeper: ApplicantKeeper | null = seal && {
    hold: (ticketId, applicant, at) => store.holdApplicant(ticketId, seal.seal(applicant, ticketId), at, at + eraseAfterMs),
  };
  const reconciler = config.reconcile
    ? new Reconciler(
        db,
        receivedQuery({ url: config.reconcile.url, secret: config.secret, timeoutMs: config.timeoutMs, ...io }),
        opts.hallTimeZone ?? config.timeZone,
      )
    : null;
  return { store, adapter, worker, keeper, reconciler };
}
