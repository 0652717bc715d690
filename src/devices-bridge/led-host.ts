import { endpointForUri } from '../../devices/endpoint.ts';
import { callText, OnbonBxDriver, type OnbonBxSimulator, PAUSED_TEXT, SimpleBarDriver, type SimpleBarSimulator, type LedDriver } from '../../devices/led/index.ts';
import type { HallConfig } from '../config/schema.ts';
import type { StoredEvent } from '../store/event-log.ts';
import { reportStatus, type Emit } from './device-status.ts';

export interface LedHostConfig {
  /** Window bars on one RS-485 bus (`windows[].ledAddress`): `sim` or `serial:/dev/ttyUSB3?baud=9600`. */
  bars?: { uri: string } | undefined;
  /** The hall LED wall, an Onbon BX controller: `sim`, `tcp://host:5005` or `serial:`; one text area. */
  wall?: { uri: string; width: number; height: number } | undefined;
}

/** Text area 1 of the wall controller holds the scrolling list of latest calls. */
export const WALL_AREA = 1;
const WALL_CALLS = 4;

/**
 * The LED bars above the windows and the LED wall, driven from committed events: a call shows
 * 「A012 请到3号窗口」 on its window's bar, a pause 「暂停服务」, the end of a service the window's
 * idle text; the wall scrolls the latest calls. With `sim` each controller is a simulator on an
 * in-memory byte link, so the demo and the tests run the real protocol bytes.
 */
export class LedHost {
  readonly bars: LedDriver | null;
  readonly wall: LedDriver | null;
  readonly barSim: SimpleBarSimulator | null = null;
  readonly wallSim: OnbonBxSimulator | null = null;
  readonly #latest: string[] = [];
  readonly #addressOf = new Map<number, number>();

  constructor(
    readonly config: LedHostConfig,
    private readonly hall: HallConfig,
    private readonly emit: Emit,
  ) {
    for (const w of hall.windows) if (w.ledAddress !== undefined) this.#addressOf.set(w.id, w.ledAddress);
    const addresses = [...this.#addressOf.values()];
    if (config.bars) {
      const endpoint = endpointForUri('ledBars', config.bars.uri, { sim: { addresses } });
      this.barSim = endpoint.simulator;
      this.bars = new SimpleBarDriver(endpoint.transport, { addresses });
    } else this.bars = null;
    if (config.wall) {
      const endpoint = endpointForUri('ledWall', config.wall.uri);
      this.wallSim = endpoint.simulator;
      this.wall = new OnbonBxDriver(endpoint.transport, { areas: { [WALL_AREA]: { x: 0, y: 0, width: config.wall.width, height: config.wall.height, effect: 'scroll' } } });
    } else this.wall = null;
    for (const [kind, d] of [
      ['led-bars', this.bars],
      ['led-wall', this.wall],
    ] as const) {
      d?.on('link', (s) => reportStatus(this.emit, kind, 'led', s));
    }
  }

  start(): void {
    this.bars?.start();
    this.wall?.start();
    for (const w of this.hall.windows) this.#idle(w.id);
  }

  async stop(): Promise<void> {
    await this.bars?.stop();
    await this.wall?.stop();
  }

  /** Follows committed events; LED failures are statuses, never errors of the command. */
  onEvents(events: StoredEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'ticket.called':
          this.#bar(e.data.windowId, callText(e.data.number, e.data.windowId));
          this.#latest.unshift(`${e.data.number}→${e.data.windowId}号`);
          this.#latest.splice(WALL_CALLS);
          void this.wall?.show(WALL_AREA, `请 ${this.#latest.join('  ')}`).catch(() => undefined);
          break;
        case 'window.paused':
          this.#bar(e.data.windowId, PAUSED_TEXT);
          break;
        case 'ticket.completed':
        case 'ticket.no_show':
        case 'window.resumed':
        case 'window.closed':
          this.#idle(e.data.windowId);
          break;
        case 'ticket.transferred':
          this.#idle(e.data.fromWindowId);
          break;
        default:
          break;
      }
    }
  }

  #idle(windowId: number): void {
    const w = this.hall.windows.find((x) => x.id === windowId);
    if (w) this.#bar(windowId, w.screen.idleMessage);
  }

  #bar(windowId: number, text: string): void {
    const address = this.#addressOf.get(windowId);
    if (address !== undefined) void this.bars?.show(address, text).catch(() => undefined);
  }

  /** What the simulated bars and wall show, for the demo page and tests. */
  snapshot(): { bars: Record<string, unknown> | null; wall: Record<string, unknown> | null } {
    return { bars: this.barSim?.snapshot() ?? null, wall: this.wallSim?.snapshot() ?? null };
  }
}
