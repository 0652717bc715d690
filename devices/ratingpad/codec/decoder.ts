import { CustomReportDecoder } from './custom-decoder.ts';
import type { ReportDecoder } from './decode-result.ts';
import { type DecoderConfig, resolveDecoderConfig } from './decoder-config.ts';
import { KeyboardWedgeDecoder } from './keyboard-decoder.ts';

// The shapes live in decode-result.ts, so the decoders need not import this file (no import loop).
export type { DecodeResult, IgnoreReason, ReportDecoder } from './decode-result.ts';

/** The decoder for a config (checked here: throws RatingPadConfigError naming the field). */
export function createDecoder(config: unknown): ReportDecoder {
  const resolved: DecoderConfig = resolveDecoderConfig(config);
  switch (resolved.kind) {
    case 'keyboard-wedge':
      return new KeyboardWedgeDecoder(resolved);
    case 'custom-report':
      return new CustomReportDecoder(resolved);
    default: {
      const unhandled: never = resolved;
      return unhandled;
    }
  }
}
