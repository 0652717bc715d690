import { reactive } from 'vue';
import type { HallView } from '../../src/read-model/hall-view.ts';
import { connectHub, type HubClient } from '../../src/realtime/client.ts';
import type { SideMessages } from '../../src/realtime/protocol.ts';
import { applyCounts, applyEnvelope, applySnapshot, emptyScreen, type HallScreenState } from '../../src/read-model/hall-view-state.ts';

/**
 * A public screen's live state (wall, window screen): snapshot, then envelopes, resumed from the
 * last seq after a drop. `downSince` drives the "connection lost" mark (shown after 5 s).
 */
export function connectScreen(
  opts: {
    token?: string | null;
    rooms?: string[];
    onEvent?: (type: string, data: any) => void;
    /** Up to date after a (re)connect; the wall catches up on the calls it missed here. */
    onSynced?: (info: { via: 'snapshot' | 'replay'; reconnect: boolean; now: number }) => void;
  } = {},
) {
  const screen = reactive({ state: emptyScreen() as HallScreenState, up: false, downSince: Date.now() as number | null, now: Date.now() });
  let refreshing = false;
  const refreshHall = async () => {
    // Staff names and photos change with sign-ins; events carry ids only.
    if (refreshing) return;
    refreshing = true;
    try {
      const res = await fetch('/api/v1/hall');
      if (res.ok && screen.state.hall) {
        const hall = (await res.json()) as HallView;
        screen.state = { ...screen.state, hall: { ...screen.state.hall, windows: hall.windows, categories: hall.categories } };
      }
    } finally {
      refreshing = false;
    }
  };
  const client: HubClient = connectHub({
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.rooms ? { rooms: opts.rooms } : {}),
    onSnapshot: (s) => {
      screen.state = applySnapshot(screen.state, s);
    },
    onEvent: (env) => {
      screen.state = applyEnvelope(screen.state, env);
      if (env.type === 'window.opened' || env.type === 'window.closed') void refreshHall();
      opts.onEvent?.(env.type, env.data);
    },
    onMessage: (type, message) => {
      if (type === 'queue.counts') screen.state = applyCounts(screen.state, message as SideMessages['queue.counts']);
      opts.onEvent?.(type, message);
    },
    onSynced: (info) => opts.onSynced?.(info),
    onLink: (up) => {
      screen.up = up;
      screen.downSince = up ? null : (screen.downSince ?? Date.now());
    },
  });
  setInterval(() => (screen.now = Date.now()), 1000);
  return { screen, client };
}

/** Date and time on the hall's clock, not the screen PC's. */
export function hallClock(ms: number, timeZone: string | undefined): { date: string; time: string } {
  const tz = timeZone ?? 'Asia/Shanghai';
  return {
    date: new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(ms),
    time: new Intl.DateTimeFormat('zh-CN', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms),
  };
}
