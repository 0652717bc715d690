import type { HallConfig } from '../config/schema.ts';
import type { DeviceRegistry } from '../devices-bridge/device-registry.ts';
import { hallView, longestWaitingSince } from '../read-model/hall-view.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { UpstreamStatus } from '../upstream/worker.ts';
import { exposition, Histogram, type Family } from './prometheus-text.ts';

export interface MetricSources {
  handler: CommandHandler;
  config: HallConfig;
  devices: DeviceRegistry;
  upstream: (() => UpstreamStatus) | null;
  socketClients: () => number;
}

const HEALTHS = ['ok', 'degraded', 'down'] as const;

/**
 * What a monitoring system scrapes from `/metrics`: the queue, the windows, calls, the 好差评 outbox,
 * the devices, commit latency and socket clients. Gauges are read from the committed state at the
 * scrape; counters and the histogram count from the hub's start (Prometheus takes rates itself).
 */
export class HubMetrics {
  readonly #commit = new Histogram([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  readonly #calls = new Map<string, number>();
  #issued = 0;

  constructor(private readonly s: MetricSources) {
    s.handler.onCommitTimed = (ms) => this.#commit.observe(ms / 1000);
    s.handler.onCommitted((events) => {
      for (const e of events) {
        if (e.type === 'ticket.issued') this.#issued++;
        if (e.type === 'ticket.called') {
          const kind = e.data.recall ? 'recall' : 'call';
          this.#calls.set(kind, (this.#calls.get(kind) ?? 0) + 1);
        }
      }
    });
  }

  async render(): Promise<string> {
    const { handler, config } = this.s;
    const live = await handler.read((state, now) => {
      const view = hallView(state, config, now);
      return {
        categories: view.categories.map((c) => {
          const since = longestWaitingSince(state, c.id);
          return { id: c.id, waiting: c.waiting, longest: since === null ? 0 : Math.max(0, (now - since) / 1000) };
        }),
        windows: view.windows.map((w) => w.status),
      };
    });
    const up = this.s.upstream?.() ?? null;
    const devices = this.s.devices.list();
    const families: Family[] = [
      { name: 'hallq_queue_waiting', help: 'Tickets waiting, per category', type: 'gauge', samples: live.categories.map((c) => ({ labels: { category: c.id }, value: c.waiting })) },
      {
        name: 'hallq_queue_longest_wait_seconds',
        help: 'How long the longest-waiting ticket of the category has waited (0 when nobody waits)',
        type: 'gauge',
        samples: live.categories.map((c) => ({ labels: { category: c.id }, value: Math.round(c.longest) })),
      },
      {
        name: 'hallq_windows',
        help: 'Windows by state: open (a clerk signed in, serving), paused, closed',
        type: 'gauge',
        samples: (['open', 'paused', 'closed'] as const).map((st) => ({ labels: { state: st }, value: live.windows.filter((w) => w === st).length })),
      },
      { name: 'hallq_calls_total', help: 'Calls since the hub started (call, recall); rate() gives the call rate', type: 'counter', samples: ['call', 'recall'].map((k) => ({ labels: { kind: k }, value: this.#calls.get(k) ?? 0 })) },
      { name: 'hallq_tickets_issued_total', help: 'Tickets issued since the hub started', type: 'counter', samples: [{ value: this.#issued }] },
      { name: 'hallq_upstream_backlog', help: '好差评 records waiting to be uploaded (0 when no upload is configured)', type: 'gauge', samples: [{ value: up?.backlog ?? 0 }] },
      { name: 'hallq_upstream_dead_letters', help: '好差评 records parked after too many failures', type: 'gauge', samples: [{ value: up?.deadLetters ?? 0 }] },
      { name: 'hallq_upstream_oldest_age_seconds', help: 'Age of the oldest record still to upload (0 when none)', type: 'gauge', samples: [{ value: up?.oldestAgeMs ? Math.round(up.oldestAgeMs / 1000) : 0 }] },
      {
        name: 'hallq_device_health',
        help: 'Each device: 1 for its current health (ok, degraded, down), 0 for the others',
        type: 'gauge',
        samples: devices.flatMap((d) => HEALTHS.map((h) => ({ labels: { device: d.id, kind: d.kind, host: d.host, health: h }, value: d.health === h ? 1 : 0 }))),
      },
      { name: 'hallq_device_alarm', help: 'Each device: 1 while an alarm (down too long) waits to be cleared', type: 'gauge', samples: devices.map((d) => ({ labels: { device: d.id }, value: d.alarm ? 1 : 0 })) },
      { name: 'hallq_commit_duration_seconds', help: 'Time of each commit transaction, fsync included', type: 'histogram', samples: this.#commit.samples() },
      { name: 'hallq_socket_clients', help: 'Connected socket.io clients (screens, consoles, kiosks)', type: 'gauge', samples: [{ value: this.s.socketClients() }] },
      { name: 'hallq_event_seq', help: 'The last event in the log', type: 'gauge', samples: [{ value: handler.seq }] },
    ];
    return exposition(families);
  }
}
