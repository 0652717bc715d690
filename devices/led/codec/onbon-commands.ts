/**
 * Onbon data fields (the part of a frame after the header). Request data starts
 * `CmdGroup Cmd RtnReq Reserved(2)` in the dual-colour protocol (the captured ping `A2 00 01 00 00`)
 * and `RtnReq CmdGroup Cmd …` in the 5th/6th-generation one (`01 A2 00 00 00`).
 */
export const ONBON_GROUP = { reply: 0xa0, system: 0xa2, dual: 0xa3 } as const;

/** Dual-colour ping (A2/00): the controller answers ACK. */
export function dualPingData(): Buffer {
  return Buffer.from([0xa2, 0x00, 0x01, 0x00, 0x00]);
}

/** Dual-colour clear (A3/10, 清屏): every dynamic area is blanked. */
export function dualClearScreenData(): Buffer {
  return Buffer.from([0xa3, 0x10, 0x01, 0x00, 0x00]);
}

/** 5th/6th-generation ping (RtnReq 01, A2/00, Reserved 2). */
export function bx56PingData(): Buffer {
  return Buffer.from([0x01, 0xa2, 0x00, 0x00, 0x00]);
}

/** Display effects (显示方式) of a text area. */
export const ONBON_EFFECT = { static: 0x01, quickType: 0x02, left: 0x03, right: 0x04, up: 0x05, down: 0x06 } as const;

/** Colour escapes understood inside dual-colour text. */
export const ONBON_COLOR = { red: '\\C1', green: '\\C2', yellow: '\\C3' } as const;

export interface TextArea {
  /** Dynamic-area id, 0–3 on BX-5/6. */
  areaId: number;
  /** Pixels from the top-left corner (X and width go out with bit 15 set: "pixel units"). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** GB2312 bytes, colour escapes included. */
  text: Uint8Array;
  /** ONBON_EFFECT; default static. */
  effect?: number;
  /** 退出方式. Default 0. */
  exit?: number;
  /** 0 fastest. Default 0. */
  speed?: number;
  /** 特技停留时间. Default 0. */
  stay?: number;
  /** Bits 1–0: 00 left, 01 right, 10 centre; bits 3–2: 00 top, 01 bottom, 10 middle. Default 0. */
  align?: number;
  multiLine?: boolean;
  wrap?: boolean;
  /** 动态区运行模式 0–5; 0 (default) loops the area's pages. */
  runMode?: number;
  /** Seconds (or times) for run modes 2, 3, 5. Default 0. */
  timeout?: number;
  lineSpacing?: number;
}

export interface TextAreaCommand {
  /** ProcessMode 1: clear and re-initialise the area before showing. Default false. */
  reinit?: boolean;
  /** Areas to delete first; `all` = 0xFF. Default none. */
  deleteAreas?: number[] | 'all';
  area: TextArea;
}

const AREA_FIXED_LENGTH = 27;

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

function encodeArea(a: TextArea): Buffer {
  for (const [name, v] of [['x', a.x], ['y', a.y], ['width', a.width], ['height', a.height]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0x7fff) throw new RangeError(`area "${name}" must be 0–32767 pixels, got ${v}`);
  }
  const b = Buffer.alloc(AREA_FIXED_LENGTH + a.text.length);
  b[0] = 0x00; // area type: text
  b.writeUInt16LE(a.x | 0x8000, 1);
  b.writeUInt16LE(a.y, 3);
  b.writeUInt16LE(a.width | 0x8000, 5);
  b.writeUInt16LE(a.height, 7);
  b[9] = a.areaId;
  b[10] = a.lineSpacing ?? 0;
  b[11] = a.runMode ?? 0;
  b.writeUInt16LE(a.timeout ?? 0, 12);
  b[14] = 0x00; // no voice
  b[15] = 0x00; // no extension bytes
  b[16] = a.align ?? 0;
  b[17] = a.multiLine ? 0x02 : 0x01;
  b[18] = a.wrap ? 0x02 : 0x01;
  b[19] = a.effect ?? ONBON_EFFECT.static;
  b[20] = a.exit ?? 0;
  b[21] = a.speed ?? 0;
  b[22] = a.stay ?? 0;
  b.writeUInt32LE(a.text.length, 23);
  b.set(a.text, AREA_FIXED_LENGTH);
  return b;
}

/**
 * A3/06 "send real-time display information" with one text area:
 * `A3 06 01 | reinit | 00 | delCount [ids…] | areaCount=1 | areaLen(2) | area`.
 */
export function dualTextAreaData(cmd: TextAreaCommand): Buffer {
  const del = cmd.deleteAreas ?? [];
  const delBytes = del === 'all' ? [0xff] : [del.length, ...del];
  const area = encodeArea(cmd.area);
  if (area.length > 0xffff) throw new RangeError(`the area is ${area.length} bytes; at most 65535`);
  return Buffer.concat([Buffer.from([0xa3, 0x06, 0x01, cmd.reinit ? 1 : 0, 0x00, ...delBytes, 0x01]), u16(area.length), area]);
}

export interface ParsedTextArea extends Required<Omit<TextArea, 'text'>> {
  text: Buffer;
}

/** The controller's side: A3/06 data → areas, or null when it does not parse. */
export function parseDualTextAreaData(data: Buffer): { reinit: boolean; deleteAreas: number[] | 'all'; areas: ParsedTextArea[] } | null {
  if (data.length < 7 || data[0] !== 0xa3 || data[1] !== 0x06) return null;
  let p = 5;
  const delCount = data[p++]!;
  let deleteAreas: number[] | 'all' = [];
  if (delCount === 0xff) deleteAreas = 'all';
  else {
    if (p + delCount > data.length) return null;
    deleteAreas = [...data.subarray(p, p + delCount)];
    p += delCount;
  }
  if (p >= data.length) return null;
  const areaCount = data[p++]!;
  const areas: ParsedTextArea[] = [];
  for (let i = 0; i < areaCount; i++) {
    if (p + 2 > data.length) return null;
    const len = data.readUInt16LE(p);
    p += 2;
    if (len < AREA_FIXED_LENGTH || p + len > data.length) return null;
    const a = data.subarray(p, p + len);
    p += len;
    const textLen = a.readUInt32LE(23);
    if (AREA_FIXED_LENGTH + textLen !== len) return null;
    areas.push({
      x: a.readUInt16LE(1) & 0x7fff,
      y: a.readUInt16LE(3),
      width: a.readUInt16LE(5) & 0x7fff,
      height: a.readUInt16LE(7),
      areaId: a[9]!,
      lineSpacing: a[10]!,
      runMode: a[11]!,
      timeout: a.readUInt16LE(12),
      align: a[16]!,
      multiLine: a[17] === 0x02,
      wrap: a[18] === 0x02,
      effect: a[19]!,
      exit: a[20]!,
      speed: a[21]!,
      stay: a[22]!,
      text: Buffer.from(a.subarray(AREA_FIXED_LENGTH)),
    });
  }
  return { reinit: data[3] === 1, deleteAreas, areas };
}

/** Error register values from the vendor manual (§5.2.2). */
export const ONBON_ERROR_NAMES: Record<number, string> = {
  0: 'ERR_NO',
  1: 'ERR_OUTOFGROUP',
  2: 'ERR_NOCMD',
  3: 'ERR_BUSY',
  4: 'ERR_MEMORYVOLUME',
  5: 'ERR_CHECKSUM',
  6: 'ERR_FILENOTEXIST',
  7: 'ERR_FLASH',
  8: 'ERR_FILE_DOWNLOAD',
  9: 'ERR_FILE_NAME',
  10: 'ERR_FILE_TYPE',
  11: 'ERR_FILE_CRC16',
  12: 'ERR_FONT_NOT_EXIST',
  13: 'ERR_FIRMWARE_TYPE',
  14: 'ERR_DATE_TIME_FORMAT',
  15: 'ERR_FILE_EXIST',
  16: 'ERR_FILE_BLOCK_NUM',
  17: 'ERR_CONTROLLER_TYPE',
  18: 'ERR_SCREEN_PARA',
  19: 'ERR_CONTROLLER_ID',
};

/**
 * The two layouts of a controller's ACK/NACK seen in public material:
 * - `5-byte`: `A0 | 00 ACK / 01 NACK | error | 00 00`, what the vendor's public C++ client reads
 *   (the error from the third byte; the last two bytes are sent as zero, their meaning unknown);
 * - `9-byte`: the vendor manual's (§5.3) `Reserved(1)=0 | A0 | 00 ACK / 01 NACK | Status(2, bit0 =
 *   NACK) | Error(2) | DataLen(2)=0`.
 */
export type OnbonReplyLayout = '5-byte' | '9-byte';

export const ONBON_REPLY_LAYOUTS: readonly OnbonReplyLayout[] = ['5-byte', '9-byte'];

/** A controller's ACK/NACK data in `layout` (default the 5-byte one the public client expects). */
export function replyData(ack: boolean, error = 0, layout: OnbonReplyLayout = '5-byte'): Buffer {
  if (!Number.isInteger(error) || error < 0 || error > 0xffff) throw new RangeError(`an Onbon error code is 0..65535, got ${error}`);
  if (layout === '5-byte') {
    const b = Buffer.alloc(5);
    b[0] = ONBON_GROUP.reply;
    b[1] = ack ? 0x00 : 0x01;
    b.writeUInt16LE(error, 2);
    return b;
  }
  const b = Buffer.alloc(9);
  b[1] = ONBON_GROUP.reply;
  b[2] = ack ? 0x00 : 0x01;
  b.writeUInt16LE(ack ? 0 : 1, 3);
  b.writeUInt16LE(error, 5);
  return b;
}

/**
 * ACK/NACK from reply data, in either layout: the A0 group at offset 0 (the 5-byte layout; also
 * the manual's fields without the Reserved byte when 6 bytes or more follow) or at offset 1 (the
 * manual's 9 bytes). Null when the data is no ACK/NACK (a request, say).
 */
export function parseReply(data: Buffer): { ack: boolean; error: number } | null {
  const g = data[0] === ONBON_GROUP.reply ? 0 : data[0] === 0x00 && data[1] === ONBON_GROUP.reply ? 1 : -1;
  if (g < 0 || data.length < g + 2) return null;
  const cmd = data[g + 1];
  if (cmd !== 0x00 && cmd !== 0x01) return null;
  // Status(2) then Error(2) when the manual's fields are all there; else the error is the byte after the command.
  const error = data.length >= g + 6 ? data.readUInt16LE(g + 4) : (data[g + 2] ?? 0);
  return { ack: cmd === 0x00, error };
}
