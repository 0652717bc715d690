import type { DecodeResult, ReportDecoder } from './decode-result.ts';
import { type CustomReportDecoderConfig, type CustomReportDecoderInput, hexByte, resolveDecoderConfig } from './decoder-config.ts';

/**
 * Decodes one vendor report: `report[byteIndex] & mask` looked up in `values`. `previous` is the
 * masked byte of the last report with the right ID (null at first), used by `onlyOnChange`.
 */
export function decodeCustomReport(
  report: Uint8Array,
  previous: number | null,
  config: CustomReportDecoderConfig,
): { result: DecodeResult; previous: number | null } {
  if (config.reportId !== null && report[0] !== config.reportId) {
    return { result: { ok: false, reason: 'wrong-report-id', detail: `report ID ${report.length > 0 ? hexByte(report[0]!) : 'none'}, want ${hexByte(config.reportId)}` }, previous };
  }
  const byte = report[config.byteIndex];
  if (byte === undefined) return { result: { ok: false, reason: 'too-short', detail: `${report.length} bytes; byteIndex is ${config.byteIndex}` }, previous };
  const value = byte & config.mask;
  const shown = config.mask === 0xff ? hexByte(value) : `${hexByte(byte)} & ${hexByte(config.mask)} = ${hexByte(value)}`;
  if (config.onlyOnChange && value === previous) return { result: { ok: false, reason: 'repeat', detail: `byte ${config.byteIndex} still ${shown}` }, previous: value };
  const level = config.values.get(value);
  if (level !== undefined) return { result: { ok: true, level, code: value, detail: `byte ${config.byteIndex} ${shown} → ${level}` }, previous: value };
  if (value === 0) return { result: { ok: false, reason: 'release', detail: `byte ${config.byteIndex} is 0x00 (idle)` }, previous: value };
  return { result: { ok: false, reason: 'unmapped', detail: `byte ${config.byteIndex} ${shown} maps to no level` }, previous: value };
}

/** A pad with vendor-defined reports: one byte → level. */
export class CustomReportDecoder implements ReportDecoder {
  readonly kind = 'custom-report';
  readonly config: CustomReportDecoderConfig;
  #previous: number | null = null;

  /** Throws RatingPadConfigError naming the bad field. */
  constructor(config: CustomReportDecoderInput | CustomReportDecoderConfig) {
    const resolved = resolveDecoderConfig(config);
    if (resolved.kind !== 'custom-report') throw new TypeError('CustomReportDecoder needs kind custom-report');
    this.config = resolved;
  }

  decode(report: Uint8Array): DecodeResult {
    const step = decodeCustomReport(report, this.#previous, this.config);
    this.#previous = step.previous;
    return step.result;
  }

  reset(): void {
    this.#previous = null;
  }
}
