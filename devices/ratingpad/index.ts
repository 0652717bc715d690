/**
 * USB HID rating pads (评价器, issue #5 "Pads"). What the hub wires in:
 *
 *   const pads = parseRatingPadsConfig(config.devices.ratingPads);      // RatingPadConfigError names the field
 *   for (const p of pads) {
 *     const pad = new HidPadDriver({ target: p.target, decoder: p.decoder, windowId: p.windowId });
 *     pad.on('rating', (r) => …);   // { level, label, source: 'hid', raw, code, detail, at, device, windowId }
 *     pad.on('status', (s) => …);   // { state: 'ok' | 'disconnected' | 'unavailable', detail: '中文 / English', error? }
 *     pad.start();                  // … await pad.stop();
 *   }
 *
 * node-hid is optional and imported on first use (transport/node-hid.ts); without it, or without
 * libusb, pads report `unavailable` and the hub runs on. RS-485 evaluators are devices/caller's.
 * The key table for wedge pads typing into the tablet page is codec/key-levels.ts (no imports).
 */
export { HidPadDriver } from './driver/hid-pad-driver.ts';
export type { HidIgnoredEvent, HidPadDriverOptions, HidPadEvents, HidPadState, HidPadStats, HidPadStatus, HidRatingEvent } from './driver/hid-pad-driver.ts';

export {
  CustomReportDecoderSchema,
  KeyboardWedgeDecoderSchema,
  RatingPadConfigSchema,
  RatingPadDecoderSchema,
  RatingPadsConfigSchema,
  parseRatingPadConfig,
  parseRatingPadsConfig,
  type RatingPadConfig,
  type RatingPadConfigInput,
} from './config.ts';
export { RATINGPAD_ERRORS, RatingPadConfigError, RatingPadError, type RatingPadConfigProblem, type RatingPadErrorCode } from './errors.ts';

export { createDecoder, type DecodeResult, type IgnoreReason, type ReportDecoder } from './codec/decoder.ts';
export {
  DECODER_KINDS,
  parseByteKey,
  resolveDecoderConfig,
  type CustomReportDecoderConfig,
  type CustomReportDecoderInput,
  type DecoderConfig,
  type DecoderConfigInput,
  type DecoderKind,
  type KeyboardWedgeDecoderConfig,
  type KeyboardWedgeDecoderInput,
} from './codec/decoder-config.ts';
export { KeyboardWedgeDecoder, decodeKeyboardReport, keyLevelTable } from './codec/keyboard-decoder.ts';
export { CustomReportDecoder, decodeCustomReport } from './codec/custom-decoder.ts';
export { customReport, keyboardReport, reportsForLevel } from './codec/encode-report.ts';
export { toHex } from './codec/hex.ts';
export { DEFAULT_RATING_ORDER, RATING_LABELS, RATING_ORDERS, describeOrder, levelAtPosition, levelInOrder, type RatingOrder } from '../rating-levels.ts';
export {
  DEFAULT_KEY_LEVELS,
  HID_USAGE_CODES,
  KEY_PRESETS,
  KEY_PRESET_NAMES,
  RATING_LEVELS,
  isRatingLevel,
  levelForKeyboardEvent,
  presetTable,
  usageName,
  usageOfCode,
  type KeyLevelTable,
  type KeyPresetName,
  type RatingLevel,
} from './codec/key-levels.ts';

export { describeTarget, matchDevices, type HidDeviceInfo, type HidDeviceLike, type HidTarget, type OpenHid } from './transport/hid-device.ts';
export { HidTransport } from './transport/hid-transport.ts';
export { listHidDevices, loadNodeHid, openHidDevice, type HidListing, type LoadNodeHidOptions, type NodeHidApi, type NodeHidLoad, type NodeHidUnavailableReason } from './transport/node-hid.ts';

export { FakeHidBus, FakeHidDevice, type FakeHidDeviceOptions } from './simulator/fake-hid-device.ts';
export { LEARN_HID_USAGE, learnHid, type LearnHidIo } from './learn/learn-hid.ts';
