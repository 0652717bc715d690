import { endpointForUri } from '../../devices/endpoint.ts';
import { callText, OnbonBxDriver, type OnbonBxSimulator, PAUSED_TEXT, type SimpleBarDriver, type SimpleBarSimulator, type LedDriver } from '../../devices/led/index.ts';
import type { HallConfig } from '../config/schema.ts';
import type { StoredEvent } from '../store/event-log.ts';
import { reportStatus, type Emit } from './device-status.ts';
import { inProcessLink, type DeviceLink } from './device-link.ts';
import { LedBarsDevice } from './hosts/led-bars.ts';

export interface LedHostConfig {
  /** Window bars on one RS-485 bus (`windows[].ledAddress`): `sim` or `serial:/dev/ttyUSB3?baud=9600`; `agent`: on an agent's PC. */
  bars?: { uri: string; agent?: boolean | undefined } | undefined;
  /** The hall LED wall, an Onbon BX controller: `sim`, `tcp://host:5005` or `serial:`; one text area. */
  wall?: { uri: string; width: number; height: number } | undefined;
}

/** Text area 1 of the wall controller holds the scrolling list of latest calls. */
export const WALL_AREA = 1;
const WALL_CALLS = 4;

/**
 * The LED bars above the windows and the LED wall, driven from committed events: a call shows
 * 「A012 请到3号窗口」 on its window's bar, a pause 「暂停服务」, the end of a service the window's
 * idle text; the wall scrolls the latest calls. The bars are a `led-bars` device reached through a
 * link: in this process (the shared host) or on the agent whose PC the bus cable ends at. With `sim`
 * each controller is a simulator on an in-memory byte link, so the demo and the tests run the real
 * protocol bytes.
 */
export class LedHost {
  /** The bars' driver when they run in the hub; null on an agent. */
  readonly bars: SimpleBarDriver | null;
  readonly wall: LedDriver | null;
  readonly barSim: SimpleBarSimulator | null = null;
  readonly wallSim: OnbonBxSimulator | null = null;
  readonly #latest: string[] = [];
  /** What each bar should show now, by address: drawn again when the bars' agent has restarted. */
  readonly #shown = new Map<number, string>();
  readonly #addressOf = new Map<number, number>();
  readonly #local: LedBarsDevice | null = null;
  readonly #link: DeviceLink | null;

  constructor(
    readonly config: LedHostConfig,
    private readonly hall: HallConfig,
    private readonly emit: Emit,
    /** How `led-bars` commands reach bars on an agent (`bars.agent`). */
    agentLink: DeviceLink | null = null,
  ) {
    for (const w of hall.windows) if (w.ledAddress !== undefined) this.#addressOf.set(w.id, w.ledAddress);
    const addresses = [...this.#addressOf.values()];
    if (config.bars && !config.bars.agent) {
      this.#local = new LedBarsDevice('led-bars', config.bars.uri, addresses, (s) => reportStatus(this.emit, 'led-bars', 'led', s));
      this.barSim = this.#local.simulator;
      this.bars = this.#local.driver;
    } else this.bars = null;
    this.#link = this.#local ? inProcessLink(this.#local) : agentLink;
    if (config.wall) {
      const endpoint = endpointForUri('ledWall', config.wall.uri);
      this.wallSim = endpoint.simulator;
      this.wall = new OnbonBxDriver(endpoint.transport, { areas: { [WALL_AREA]: { x: 0, y: 0, width: config.wall.width, height: config.wall.height, effect: 'scroll' } } });
      this.wall.on('link', (s) => reportStatus(this.emit, 'led-wall', 'led', s));
    } else this.wall = null;
  }

  start(): void {
    this.#local?.start();
    this.wall?.start();
    for (const w of this.hall.windows) this.#idle(w.id);
  }

  async stop(): Promise<void> {
    await this.#local?.stop();
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
    if (address === undefined) return;
    this.#shown.set(address, text);
    this.#link?.send('led-bars', { kind: 'led.show', address, text });
  }

  /**
   * Every bar's text again. An agent that restarted knows nothing of what its bars showed, and a bar
   * powered off with it comes back blank until its window's next call.
   */
  redraw(): void {
    for (const [address, text] of this.#shown) this.#link?.send('led-bars', { kind: 'led.show', address, text });
  }

  /** What the simulated bars and wall show, for the demo page and tests. */
  snapshot(): { bars: Record<string, unknown> | null; wall: Record<string, unknown> | null } {
    return { bars: this.barSim?.snapshot() ?? null, wall: this.wallSim?.snapshot() ?? null };
  }
}
