/**
 * RS-485 caller keypads and evaluators (`FF 68 … 16`, hardware.md §4.3). What the hub wires in:
 *
 *   const bus = new CallerBus(new SerialTransport({ path, baudRate: 9600 }), opts);
 *   bus.on('key', (k: CallerKeyEvent) => …); bus.on('rating', (r: CallerRatingEvent) => …);
 *   bus.on('status', (s: CallerBusStatus) => …); bus.on('error', (e: CallerBusFailure) => …);
 *   bus.start(); bus.showLcd(address, { waiting, current }); bus.beep(address, 'ready'); … await bus.stop();
 *
 * keyToIntent() says what a key asks for; the hub maps the intent to its command. The rest is exported for tests, the
 * simulator and installers.
 */
export { CallerBus } from './driver/caller-bus.ts';
export type {
  CallerBusEvents,
  CallerBusFailure,
  CallerBusOptions,
  CallerBusState,
  CallerBusStats,
  CallerBusStatus,
  CallerKeyEvent,
  CallerRatingEvent,
  CallerUnknownEvent,
} from './driver/caller-bus.ts';
export { CALLER_ERRORS, CallerBusError, type CallerErrorCode } from './driver/errors.ts';
export { backoffDelay, type BackoffOptions } from '../backoff.ts';
export { ResendFilter } from './driver/resend-filter.ts';

export { KEY_INTENTS, KEYPAD_INTENTS, keyToIntent, type KeyIntent, type KeypadIntent } from './commands/key-intent.ts';

export {
  CALLER_KEYS,
  DEFAULT_PROTOCOL,
  RATING_LABELS,
  callerProtocol,
  codeOfKey,
  indexOfLevel,
  type BeepPatternSpec,
  type CallerCombo,
  type CallerKey,
  type CallerProtocol,
  type RatingLevel,
} from './codec/protocol.ts';
export { checkRatingOrders, type RatingOrders } from './codec/rating-orders.ts';
export { DEFAULT_RATING_ORDER, levelAtPosition, levelInOrder, type RatingOrder } from '../rating-levels.ts';
export { encodeFrame, frame } from './codec/encode-frame.ts';
export { FrameDecoder, type Decoded, type FrameDecoderOptions, type FrameDecoderStats } from './codec/frame-decoder.ts';
export { type CallerFrame, sumChecksum } from './codec/frame.ts';
export { ackFor, comboOf, interpretFrame, type CallerInput } from './codec/interpret.ts';
export { beepFrame, interpretHostFrame, lcdFrame, starsFrame, startRatingFrame, type HostInput, type LcdContent, type LcdText } from './codec/host-frames.ts';

export { CallerKeypadSimulator, type CallerKeypadSimulatorOptions, type KeypadFault } from './simulator/caller-keypad-simulator.ts';
export { runKeypadsOnSerial, type SerialKeypads } from './simulator/run-on-serial.ts';

// Shared with the other drivers (devices/).
export { SerialTransport, type SerialTransportOptions } from '../serial-transport.ts';
export { ManualScheduler, systemScheduler, type Scheduler } from '../scheduler.ts';
