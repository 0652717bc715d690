import { crc16Arc, sum16 } from './onbon-crc16.ts';
import { FRAME_END, FRAME_START, PREAMBLE_LENGTH, escapePhy1 } from './onbon-escape.ts';

/** SrcAddr of the PC software in every Onbon request. */
export const HOST_ADDRESS = 0x8000;

/**
 * The 14-byte header of the single/dual-colour ("Dual") SDK's text protocol (ProtoVer 0x02), as
 * in hardware.md §5.1 and the captured frames reproduced by golden.test.ts:
 * `Dst(2) Src(2) Reserved(3) Option(1) CheckMode(1) DisplayMode(1) DeviceType(1) ProtoVer(1) DataLen(2)`, LE.
 */
export interface DualHeader {
  variant: 'dual';
  /** Screen number (屏号) of the controller; 0xFFFF reaches any. */
  dst: number;
  src: number;
  option: number;
  /** 0 CRC-16/ARC, 1 byte sum, 2 none. */
  checkMode: 0 | 1 | 2;
  /** 0 normal (dynamic areas and programs side by side), 1 dynamic areas first. */
  displayMode: number;
  /** 0xFE: any model. */
  deviceType: number;
  protocolVersion: number;
}

/**
 * The 16-byte header of the 5th/6th-generation dynamic-area protocol (ProtocolVer 0xF0), from the
 * vendor's 5th/6th 动态区域用户手册: `DstAddr(2) SrcAddr(2) ProtocolVer(1) Reserved(1) DeviceType(2)
 * Reserved(4) DataLen(4)`, LE. Always CRC-16/ARC.
 */
export interface Bx56Header {
  variant: 'bx56';
  dst: number;
  src: number;
  protocolVersion: number;
  /** BX-5E1 0x0154 … BX-6E1 0x0174 …; 0xFFFE wildcard. */
  deviceType: number;
}

export type OnbonHeader = DualHeader | Bx56Header;

export interface OnbonFrame {
  header: OnbonHeader;
  data: Buffer;
}

export const DUAL_HEADER_LENGTH = 14;
export const BX56_HEADER_LENGTH = 16;

export function dualHeader(fields: Partial<Omit<DualHeader, 'variant'>> = {}): DualHeader {
  return {
    variant: 'dual',
    dst: fields.dst ?? 0x0001,
    src: fields.src ?? HOST_ADDRESS,
    option: fields.option ?? 0,
    checkMode: fields.checkMode ?? 0,
    displayMode: fields.displayMode ?? 0,
    deviceType: fields.deviceType ?? 0xfe,
    protocolVersion: fields.protocolVersion ?? 0x02,
  };
}

export function bx56Header(fields: Partial<Omit<Bx56Header, 'variant'>> = {}): Bx56Header {
  return {
    variant: 'bx56',
    dst: fields.dst ?? 0xfffe,
    src: fields.src ?? HOST_ADDRESS,
    protocolVersion: fields.protocolVersion ?? 0xf0,
    deviceType: fields.deviceType ?? 0xfffe,
  };
}

function encodeHeader(h: OnbonHeader, dataLength: number): Buffer {
  if (h.variant === 'dual') {
    if (dataLength > 0xffff) throw new RangeError(`a dual-colour frame carries at most 65535 data bytes, got ${dataLength}`);
    const b = Buffer.alloc(DUAL_HEADER_LENGTH);
    b.writeUInt16LE(h.dst, 0);
    b.writeUInt16LE(h.src, 2);
    // 4..6 reserved
    b[7] = h.option;
    b[8] = h.checkMode;
    b[9] = h.displayMode;
    b[10] = h.deviceType;
    b[11] = h.protocolVersion;
    b.writeUInt16LE(dataLength, 12);
    return b;
  }
  const b = Buffer.alloc(BX56_HEADER_LENGTH);
  b.writeUInt16LE(h.dst, 0);
  b.writeUInt16LE(h.src, 2);
  b[4] = h.protocolVersion;
  // 5 reserved
  b.writeUInt16LE(h.deviceType, 6);
  // 8..11 reserved
  b.writeUInt32LE(dataLength, 12);
  return b;
}

function checkValue(h: OnbonHeader, body: Uint8Array): number {
  if (h.variant === 'dual' && h.checkMode === 1) return sum16(body);
  if (h.variant === 'dual' && h.checkMode === 2) return 0;
  return crc16Arc(body);
}

/** PHY1: header | data | check (LE), unescaped. */
export function encodePhy1(header: OnbonHeader, data: Uint8Array): Buffer {
  const body = Buffer.concat([encodeHeader(header, data.length), data]);
  const check = Buffer.alloc(2);
  check.writeUInt16LE(checkValue(header, body), 0);
  return Buffer.concat([body, check]);
}

/**
 * The bytes on the wire: `A5 ×8 | escaped PHY1 | 5A`. `corruptCheck` sends a wrong check value
 * (simulators' fault injection).
 */
export function encodeOnbonFrame(header: OnbonHeader, data: Uint8Array, opts: { corruptCheck?: boolean } = {}): Buffer {
  const phy1 = encodePhy1(header, data);
  if (opts.corruptCheck) phy1[phy1.length - 1] = phy1[phy1.length - 1]! ^ 0xff;
  return Buffer.concat([Buffer.alloc(PREAMBLE_LENGTH, FRAME_START), escapePhy1(phy1), Buffer.from([FRAME_END])]);
}

export type Phy1Result = { ok: true; frame: OnbonFrame } | { ok: false; reason: 'length' | 'check' };

/**
 * An unescaped PHY1 → frame. The variant is told by the lengths: a 5th/6th frame has 0xF0 at
 * offset 4 and `18 + DataLen(u32 @12)` bytes; a dual-colour frame `16 + DataLen(u16 @12)`.
 */
export function parsePhy1(phy1: Buffer): Phy1Result {
  const n = phy1.length;
  let header: OnbonHeader;
  let headerLength: number;
  if (n >= BX56_HEADER_LENGTH + 2 && phy1[4] === 0xf0 && phy1.readUInt32LE(12) === n - BX56_HEADER_LENGTH - 2) {
    headerLength = BX56_HEADER_LENGTH;
    header = { variant: 'bx56', dst: phy1.readUInt16LE(0), src: phy1.readUInt16LE(2), protocolVersion: phy1[4]!, deviceType: phy1.readUInt16LE(6) };
  } else if (n >= DUAL_HEADER_LENGTH + 2 && phy1.readUInt16LE(12) === n - DUAL_HEADER_LENGTH - 2) {
    headerLength = DUAL_HEADER_LENGTH;
    const checkMode = phy1[8]!;
    header = {
      variant: 'dual',
      dst: phy1.readUInt16LE(0),
      src: phy1.readUInt16LE(2),
      option: phy1[7]!,
      checkMode: checkMode === 1 || checkMode === 2 ? checkMode : 0,
      displayMode: phy1[9]!,
      deviceType: phy1[10]!,
      protocolVersion: phy1[11]!,
    };
  } else {
    return { ok: false, reason: 'length' };
  }
  const body = phy1.subarray(0, n - 2);
  const skipCheck = header.variant === 'dual' && header.checkMode === 2;
  if (!skipCheck && checkValue(header, body) !== phy1.readUInt16LE(n - 2)) return { ok: false, reason: 'check' };
  return { ok: true, frame: { header, data: Buffer.from(phy1.subarray(headerLength, n - 2)) } };
}
