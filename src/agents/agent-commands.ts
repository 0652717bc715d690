import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { HallqError } from '../domain/errors.ts';
import type { AgentCommandMessage, AgentDeviceCommand, AgentPrintCommand, DeviceCommand, PrintAttentionMessage } from '../realtime/protocol.ts';
import type { Db } from '../store/db.ts';

/** How a command ended: a print `printed`, `failed` or `uncertain`; a device command `done` or `failed`. */
export type CommandOutcome = 'printed' | 'failed' | 'uncertain' | 'done';
export type PrintOutcome = Exclude<CommandOutcome, 'done'>;

/**
 * Commands a newer one for the same device and address makes pointless: only the latest text is worth
 * showing, and an evaluator asks for one score at a time.
 */
const SUPERSEDED: ReadonlySet<DeviceCommand['kind']> = new Set(['led.show', 'keypad.lcd', 'pad.request']);

interface Row {
  seq: number;
  id: string;
  device: string;
  kind: 'print' | 'device';
  payload: string;
  created_at: number;
  done_at: number | null;
  outcome: CommandOutcome | null;
}

/**
 * Commands to devices on agents, durable: written when made, sent to the agent that hosts the device,
 * sent again on every reconnect, closed only by the agent's report. The agent keeps its own journal
 * of the ids it ran, so a command sent twice runs once. A device command (LED text, keypad LCD and
 * beep, a rating request) is deleted once reported; an LED or LCD text or a rating request not yet
 * reported is deleted when a newer one for the same address is made, so an agent back from an outage
 * shows the latest; a beep or a request past its `until` is dropped rather than sent late.
 */
export class AgentCommands {
  readonly #insert;
  readonly #open;
  readonly #byId;
  readonly #close;
  readonly #attention;
  readonly #handle;
  readonly #supersede;
  readonly #forget;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.#insert = db.prepare('INSERT INTO agent_commands (id, device, kind, payload, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *');
    this.#open = db.prepare('SELECT * FROM agent_commands WHERE done_at IS NULL ORDER BY seq');
    this.#byId = db.prepare('SELECT * FROM agent_commands WHERE id = ?');
    // An ended command is never sent again (a reprint is a new command with fresh bytes): its receipt
    // bytes go, or every ticket would stay in the hub's file at the size of its printout.
    this.#close = db.prepare(`UPDATE agent_commands SET done_at = ?, outcome = ?, payload = json_set(payload, '$.bytes', '') WHERE id = ? AND done_at IS NULL`);
    this.#attention = db.prepare(`SELECT * FROM agent_commands WHERE kind = 'print' AND outcome IN ('failed', 'uncertain') AND handled_at IS NULL ORDER BY seq`);
    this.#handle = db.prepare(`UPDATE agent_commands SET handled_at = ? WHERE kind = 'print' AND outcome IN ('failed', 'uncertain') AND handled_at IS NULL AND json_extract(payload, '$.ticketId') = ? RETURNING *`);
    this.#supersede = db.prepare(
      `DELETE FROM agent_commands WHERE kind = 'device' AND done_at IS NULL AND device = ? AND json_extract(payload, '$.kind') = ? AND json_extract(payload, '$.address') = ?`,
    );
    this.#forget = db.prepare(`DELETE FROM agent_commands WHERE id = ? AND kind = 'device'`);
  }

  print(device: string, bytes: Buffer, ticketId: string, number: string): AgentPrintCommand {
    const id = `cmd_${randomBytes(9).toString('base64url')}`;
    const at = this.clock.now();
    return toMessage(this.#insert.get(id, device, 'print', JSON.stringify({ bytes: bytes.toString('base64'), ticketId, number }), at) as Row) as AgentPrintCommand;
  }

  /** A command to a bus device on an agent; a text replaces an older one for the same address not yet reported. */
  device(device: string, command: DeviceCommand): AgentDeviceCommand {
    const id = `cmd_${randomBytes(9).toString('base64url')}`;
    const at = this.clock.now();
    const write = this.db.transaction(() => {
      if (SUPERSEDED.has(command.kind)) this.#supersede.run(device, command.kind, command.address);
      return this.#insert.get(id, device, 'device', JSON.stringify(command), at) as Row;
    });
    return toMessage(write()) as AgentDeviceCommand;
  }

  /** Still to be done for these devices, in order; a beep or a rating request past its time is dropped, not sent late. */
  openFor(devices: readonly string[]): AgentCommandMessage[] {
    const now = this.clock.now();
    const out: AgentCommandMessage[] = [];
    for (const r of this.#open.all() as Row[]) {
      if (!devices.includes(r.device)) continue;
      const m = toMessage(r);
      if (m.kind === 'device' && 'until' in m.command && m.command.until !== undefined && m.command.until < now) this.#forget.run(m.id);
      else out.push(m);
    }
    return out;
  }

  /**
   * At start: the tickets of these kiosks still waiting today that have no print command (the hub died
   * between a ticket's commit and its command) go straight to the guide desk's list, not to the printer:
   * the resident may have walked on with the number from the screen.
   */
  reconcile(tickets: readonly { ticketId: string; number: string; kioskId: string }[]): number {
    const known = new Set((this.db.prepare(`SELECT json_extract(payload, '$.ticketId') AS t FROM agent_commands WHERE kind = 'print'`).all() as { t: string }[]).map((r) => r.t));
    let added = 0;
    for (const t of tickets) {
      if (known.has(t.ticketId)) continue;
      const id = `cmd_${randomBytes(9).toString('base64url')}`;
      const at = this.clock.now();
      this.#insert.run(id, `printer:${t.kioskId}`, 'print', JSON.stringify({ bytes: '', ticketId: t.ticketId, number: t.number }), at);
      this.#close.run(at, 'failed', id);
      added++;
    }
    return added;
  }

  /** Tickets not printed, or not surely printed, that the guide desk has not reprinted yet. */
  needingReprint(): PrintAttentionMessage[] {
    return (this.#attention.all() as Row[]).map((r) => attentionOf({ ...(toMessage(r) as AgentPrintCommand), outcome: r.outcome as PrintOutcome }, false));
  }

  /** The guide desk reprinted this ticket: what waited for it is handled. */
  reprinted(ticketId: string): PrintAttentionMessage[] {
    return (this.#handle.all(this.clock.now(), ticketId) as Row[]).map((r) => attentionOf({ ...(toMessage(r) as AgentPrintCommand), outcome: r.outcome as PrintOutcome }, true));
  }

  /**
   * The agent's report; a repeated report changes nothing and answers as the first did. A device
   * command is not kept once reported (a repeat, or the report of one superseded, finds nothing).
   */
  report(devices: readonly string[], id: string, outcome: CommandOutcome): { message: AgentCommandMessage; outcome: CommandOutcome; first: boolean } {
    const row = this.#byId.get(id) as Row | undefined;
    if (!row || !devices.includes(row.device)) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'no such command for this agent' });
    if (row.kind === 'device') {
      this.#forget.run(id);
      return { message: toMessage(row), outcome, first: true };
    }
    const first = this.#close.run(this.clock.now(), outcome, id).changes === 1;
    const now = this.#byId.get(id) as Row;
    return { message: toMessage(now), outcome: now.outcome!, first };
  }
}

export function attentionOf(r: AgentPrintCommand & { outcome: PrintOutcome }, handled: boolean): PrintAttentionMessage {
  return { commandId: r.id, ticketId: r.ticketId, number: r.number, kioskId: r.device.slice('printer:'.length), outcome: r.outcome === 'printed' ? 'failed' : r.outcome, at: r.at, handled };
}

function toMessage(r: Row): AgentCommandMessage {
  if (r.kind === 'device') return { id: r.id, seq: r.seq, device: r.device, kind: 'device', command: JSON.parse(r.payload) as DeviceCommand, at: r.created_at };
  const p = JSON.parse(r.payload) as { bytes: string; ticketId: string; number: string };
  return { id: r.id, seq: r.seq, device: r.device, kind: 'print', bytes: p.bytes, ticketId: p.ticketId, number: p.number, at: r.created_at };
}
