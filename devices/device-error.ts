/** One entry of a device error catalogue: the text in both languages, and whether waiting can fix it. */
export interface DeviceErrorEntry {
  zh: string;
  en: string;
  retryable: boolean;
}

/**
 * The base of every device driver's typed error (ID-card reader, caller bus, LED, rating pads).
 * Each driver keeps its own catalogue of `HQ_ERR_<AREA>_<WHAT>` codes; this turns an entry into
 * the English message, the Chinese message for device-status screens, and the retry hint.
 */
export abstract class DeviceError<Code extends string> extends Error {
  /** The catalogue's Chinese message (with `detailZh` when given), for the device-status screen. */
  readonly messageZh: string;
  readonly retryable: boolean;
  constructor(
    readonly code: Code,
    entry: DeviceErrorEntry,
    detail?: string,
    opts: { cause?: unknown; detailZh?: string } = {},
  ) {
    super(detail ? `${entry.en}: ${detail}` : entry.en, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.messageZh = opts.detailZh ? `${entry.zh}：${opts.detailZh}` : entry.zh;
    this.retryable = entry.retryable;
  }
}
