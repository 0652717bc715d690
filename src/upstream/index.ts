export { classifyStatus, type DeliveryResult, type StatusClass, type UpstreamAdapter } from './adapter.ts';
export {
  FieldFormatSchema,
  resolveUpstreamConfig,
  UpstreamConfigSchema,
  UpstreamMappingSchema,
  type FieldFormat,
  type ResolvedUpstreamConfig,
  type UpstreamConfig,
  type UpstreamConfigInput,
  type UpstreamMapping,
} from './config.ts';
export { UpstreamError, type UpstreamErrorCode } from './errors.ts';
export { GenericJsonAdapter, signBody, type GenericJsonAdapterOptions } from './generic-json-adapter.ts';
export { buildBody } from './mapping.ts';
export { MockUpstream, MOCK_MODES, type MockMode, type MockPost, type MockReceived, type MockStats } from './mock-upstream.ts';
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
