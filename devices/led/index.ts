/**
 * LED window bars and the hall wall (issue #4). What the hub wires in:
 *
 *   const bars = new SimpleBarDriver(serialLedTransport('/dev/ttyUSB1'), { addresses: [1, 2, 3] });
 *   const wall = new OnbonBxDriver(onbonTcpTransport('10.0.0.9'), { areas: { 0: { x: 0, y: 0, width: 192, height: 32 } } });
 *   for (const d of [bars, wall]) { d.on('status', …); d.on('link', …); d.start(); }
 *   bars.show(3, callText('A012', 3)).catch(log.warn);   // 「A012 请到3号窗口」
 *   bars.show(3, PAUSED_TEXT);                            // 「暂停服务」
 *
 * In sim mode, `new SimpleBarSimulator()` on the other end of `memoryPair()` (or a socat pty) and
 * `FakeTcpOnbon.start()` stand in for the hardware; their `snapshot()` and `changed` event feed the demo.
 * See README.md (the simple-bar spec is there).
 */
export type { LedAddress, LedDriver, LedDriverEvents, LedLinkState, LedLinkStatus, LedShowOptions, LedState, LedStatus } from './led-driver.ts';
export { LED_ERRORS, LedError, type LedErrorCode } from './errors.ts';
export { callText, PAUSED_TEXT } from './texts.ts';

export { SimpleBarDriver, SimpleBarProtocol, SIMPLE_BAR_DEFAULTS, type SimpleBarDriverOptions } from './driver/simple-bar-driver.ts';
export { OnbonBxDriver, OnbonBxProtocol, ONBON_DEFAULTS, type OnbonBxDriverOptions, type OnbonTextArea } from './driver/onbon-bx-driver.ts';
export { BusLedDriver, type BusLedDriverOptions } from './driver/bus-driver.ts';
export type { LedCommand, LedProtocol, ReplyDecoder, Verdict } from './driver/led-protocol.ts';

export { onbonTcpTransport, serialLedTransport } from './transport/led-transports.ts';
export { SocketTransport } from './transport/socket-transport.ts';

export { LedSimulator, type LedCell, type LedSimFault, type LedSimReceived, type LedSimulatorEvents, type LedSimulatorOptions } from './simulator/led-simulator.ts';
export { SimpleBarSimulator, type SimpleBarSimulatorOptions } from './simulator/simple-bar-simulator.ts';
export { OnbonBxSimulator, stripColorEscapes, type OnbonBxSimulatorOptions } from './simulator/onbon-bx-simulator.ts';
export { FakeTcpOnbon, type FakeTcpOnbonOptions } from './simulator/fake-tcp-onbon.ts';
export { runLedSimulatorOnSerial, type SerialLedSimulator } from './simulator/run-on-serial.ts';

export { decodeLedText, encodeLedText, isGb2312, type EncodedText, type LedCharset } from './codec/gb-text.ts';
export { ACK, BROADCAST_ADDRESS, ETX, MAX_BRIGHTNESS, MAX_DATA_LENGTH, MAX_UNIT_ADDRESS, NAK, SIMPLE_BAR_CMD, STX, commandNameOf, lengthFits, xorOf, type SimpleBarCommandName, type SimpleBarFrame } from './codec/simple-bar-frame.ts';
export { encodeAck, encodeNak, encodeSimpleBarFrame } from './codec/simple-bar-encode.ts';
export { SimpleBarDecoder, type SimpleBarDecoderOptions, type SimpleBarItem } from './codec/simple-bar-decoder.ts';
export { crc16Arc, sum16 } from './codec/onbon-crc16.ts';
export { escapePhy1, unescapePhy1 } from './codec/onbon-escape.ts';
export { HOST_ADDRESS, bx56Header, dualHeader, encodeOnbonFrame, encodePhy1, parsePhy1, type Bx56Header, type DualHeader, type OnbonFrame, type OnbonHeader } from './codec/onbon-frame.ts';
export { ONBON_COLOR, ONBON_EFFECT, ONBON_ERROR_NAMES, bx56PingData, dualClearScreenData, dualPingData, dualTextAreaData, parseDualTextAreaData, parseReply, replyData, type TextArea, type TextAreaCommand } from './codec/onbon-commands.ts';
export { OnbonDecoder, type OnbonDecoded, type OnbonDecoderOptions } from './codec/onbon-decoder.ts';
