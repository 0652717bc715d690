import { reactive } from 'vue';
import type { TicketView } from '../../src/read-model/hall-view.ts';
import { connectHub } from '../../src/realtime/client.ts';

/** The ticket status page's data: the ticket, refreshed whenever the hall moves. */
export const page = reactive({
  ticket: null as TicketView | null,
  error: null as { zh: string; en: string } | null,
  online: true,
  categoryName: null as { zh: string; en: string } | null,
});

export function ticketIdFromPath(path: string): string | null {
  const m = /^\/t\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  return m ? m[1]! : null;
}

export function startTicketPage(): void {
  const id = ticketIdFromPath(location.pathname);
  if (!id) {
    page.error = { zh: '号票地址不正确', en: 'This ticket address is not valid' };
    return;
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refresh = () => {
    if (timer) return;
    // Events come in bursts: one fetch per burst.
    timer = setTimeout(async () => {
      timer = null;
      await load(id);
    }, 150);
  };
  connectHub({
    onSnapshot: () => void load(id),
    onEvent: (env) => {
      if (env.type.startsWith('ticket.')) refresh();
    },
    onMessage: (type) => {
      if (type === 'queue.counts') refresh();
    },
    onLink: (up) => (page.online = up),
  });
  void load(id);
}

async function load(id: string): Promise<void> {
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(id)}`);
    const body = await res.json();
    if (!res.ok) {
      page.error = { zh: body.error?.zh ?? '找不到该号票', en: body.error?.en ?? 'No such ticket' };
      return;
    }
    page.ticket = body.ticket;
    page.error = null;
    // The ticket names its category itself (name, materials, windows).
    page.categoryName = body.ticket.category ?? null;
  } catch {
    page.online = false;
  }
}
