import type { CustomReportDecoderConfig, DecoderConfig, KeyboardWedgeDecoderConfig } from './decoder-config.ts';
import type { RatingLevel } from './key-levels.ts';

/** Length of the reports the simulator builds for a custom-report pad when the byte fits. */
export const CUSTOM_REPORT_LENGTH = 8;

/**
 * The input reports a pad of this config sends for one press of `level`: for a keyboard wedge the
 * key-down report and the all-keys-up report; for a custom pad the report carrying the value, then
 * an idle report when `onlyOnChange` is set (so the next press of the same key counts again).
 * Undefined when the config maps no key or value to `level` (a 4-key pad has no 基本满意).
 */
export function reportsForLevel(config: DecoderConfig, level: RatingLevel): Buffer[] | undefined {
  return config.kind === 'keyboard-wedge' ? keyboardReports(config, level) : customReports(config, level);
}

/** A boot keyboard report holding `usages` (at most 6), with the config's report ID in front. */
export function keyboardReport(config: Pick<KeyboardWedgeDecoderConfig, 'reportId'>, usages: readonly number[], modifiers = 0): Buffer {
  const body = Buffer.alloc(8);
  body[0] = modifiers;
  usages.slice(0, 6).forEach((u, i) => (body[2 + i] = u));
  return config.reportId === null ? body : Buffer.concat([Buffer.of(config.reportId), body]);
}

function keyboardReports(config: KeyboardWedgeDecoderConfig, level: RatingLevel): Buffer[] | undefined {
  let usage: number | undefined;
  for (const [u, l] of config.keys) {
    if (l === level) {
      usage = u;
      break;
    }
  }
  if (usage === undefined) return undefined;
  return [keyboardReport(config, [usage]), keyboardReport(config, [])];
}

/** A custom report with `value` at byteIndex (bits outside the mask left 0). */
export function customReport(config: Pick<CustomReportDecoderConfig, 'reportId' | 'byteIndex'>, value: number): Buffer {
  const report = Buffer.alloc(Math.max(CUSTOM_REPORT_LENGTH, config.byteIndex + 1));
  if (config.reportId !== null) report[0] = config.reportId;
  report[config.byteIndex] = value;
  return report;
}

function customReports(config: CustomReportDecoderConfig, level: RatingLevel): Buffer[] | undefined {
  let value: number | undefined;
  for (const [v, l] of config.values) {
    if (l === level) {
      value = v;
      break;
    }
  }
  if (value === undefined) return undefined;
  const reports = [customReport(config, value)];
  if (config.onlyOnChange) {
    const idle = idleValue(config);
    if (idle !== undefined) reports.push(customReport(config, idle));
  }
  return reports;
}

/** A masked byte value that maps to no level, preferring 0. */
export function idleValue(config: Pick<CustomReportDecoderConfig, 'mask' | 'values'>): number | undefined {
  for (let v = 0; v <= 0xff; v++) if ((v & ~config.mask) === 0 && !config.values.has(v)) return v;
  return undefined;
}
