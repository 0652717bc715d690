import { encodeRequest } from './encode-request.ts';

/** The commands of hardware.md §1.3 this project uses. Name → CMD/PARA. */
export const COMMANDS = {
  /** SDT_ResetSAM. */
  resetSam: { cmd: 0x10, para: 0xff },
  /** SDT_GetSAMStatus: SW3 0x90 ok, 0x60 self-test failed. */
  samStatus: { cmd: 0x11, para: 0xff },
  /** Read the 16-byte SAM id. */
  samId: { cmd: 0x12, para: 0xff },
  /** 寻卡: SW3 0x9F found (4 data bytes), 0x80 no card. */
  findCard: { cmd: 0x20, para: 0x01 },
  /** 选卡: SW3 0x90 (8 data bytes), 0x81 failed. */
  selectCard: { cmd: 0x20, para: 0x02 },
  /** Text (256) + photo (1024). */
  readBase: { cmd: 0x30, para: 0x01 },
  /** 追加住址 (70 bytes UCS-2), 0x91 when the card has none. */
  readNewAddress: { cmd: 0x30, para: 0x03 },
  /** Text + photo + fingerprint (1024), 0x91 when the card has no fingerprint. */
  readWithFingerprint: { cmd: 0x30, para: 0x10 },
  /** SDT_SetMaxRFByte; DATA = 1 byte. */
  setMaxRfByte: { cmd: 0x61, para: 0xff },
} as const satisfies Record<string, { cmd: number; para: number }>;

export type CommandName = keyof typeof COMMANDS;

export function encodeCommand(name: CommandName, data?: Uint8Array): Buffer {
  const c = COMMANDS[name];
  return encodeRequest(c.cmd, c.para, data);
}

/** The name of a CMD/PARA pair, or undefined for one this project does not know. */
export function commandNameOf(cmd: number, para: number): CommandName | undefined {
  for (const [name, c] of Object.entries(COMMANDS) as [CommandName, { cmd: number; para: number }][]) {
    if (c.cmd === cmd && c.para === para) return name;
  }
  return undefined;
}
