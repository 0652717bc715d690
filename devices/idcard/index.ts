/**
 * Second-generation resident ID-card reader (AA AA AA 96 69 protocol). What the hub wires in:
 *
 *   const reader = new IdCardReader(new SerialTransport({ path }), opts);
 *   reader.on('card', (card: IdCard) => …); reader.on('removed', …);
 *   reader.on('status', (s: ReaderStatus) => …); reader.on('error', (e: IdCardReaderError) => …);
 *   reader.start(); … await reader.stop();
 *
 * The rest is exported for tests, the simulator and other transports.
 */
export { IdCardReader } from './driver/id-card-reader.ts';
export type { IdCard, IdCardReaderError, IdCardReaderEvents, IdCardReaderOptions, ReaderState, ReaderStatus } from './driver/id-card-reader.ts';
// Shared with the printer driver (devices/scheduler.ts).
export { ManualScheduler, systemScheduler, type Scheduler } from '../scheduler.ts';
export { backoffDelay, type BackoffOptions } from '../backoff.ts';

// Shared with the printer driver (devices/serial-transport.ts); the default baudRate, 115200, is the readers'.
export { SerialTransport, type SerialPortFactoryOptions, type SerialTransportOptions } from '../serial-transport.ts';
export { toTransportError } from '../serial-errors.ts';

export { IdCardSimulator, type IdCardSimulatorOptions, type SimFault } from './simulator/id-card-simulator.ts';
export { exampleCard, dummyPhoto, type SimCard } from './simulator/sim-card.ts';
export { runSimulatorOnSerial, type SerialSimulator } from './simulator/run-on-serial.ts';
export { seededRandom } from './simulator/seeded-random.ts';

export { type CardType, type IdCardFields, LONG_TERM } from './card/id-card-fields.ts';
export { parseTextBlock } from './card/parse-text-block.ts';
export { isValidIdNumber, maskIdNumber, withCheckDigit } from './card/id-number.ts';
export { buildTextBlock, type TextBlockInput } from './card/build-text-block.ts';

export { IDCARD_ERRORS, IdCardDataError, IdCardDriverError, IdCardError, IdCardStatusError, type IdCardErrorCode, type Sw3Scope } from './status/errors.ts';
export { SW3, SW3_FAILURES, statusError } from './status/sw3.ts';

export { COMMANDS, commandNameOf, encodeCommand, type CommandName } from './codec/commands.ts';
export { encodeRequest } from './codec/encode-request.ts';
export { encodeResponse } from './codec/encode-response.ts';
export { FrameDecoder, RequestDecoder, ResponseDecoder, type Decoded, type FrameDecoderOptions } from './codec/frame-decoder.ts';
export { PREAMBLE, xorChecksum, type RequestFrame, type ResponseFrame } from './codec/frame.ts';
export { decodeReadPayload, type ReadPayload } from './codec/read-payload.ts';
export { encodeReadPayload } from './codec/encode-read-payload.ts';
