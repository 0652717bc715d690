import { reactive } from 'vue';
import type { TicketView } from '../../src/read-model/hall-view.ts';
import { connectHub } from '../../src/realtime/client.ts';

/** The ticket status page's data: the ticket, refreshed whenever the hall moves. */
export const page = reactive({
  ticket: null as TicketView | null,
  error: null as { zh: string; en: string } | null,
  online: true,
  categoryName: null as { zh: string; en: string } | null,
  /** Materials ticked on this phone (kept in the phone's own storage, never sent). */
  checked: [] as string[],
  /** "On my way" said on this phone: a reassurance for the resident, not a queue rule. */
  onWay: false,
  actionError: null as { zh: string; en: string } | null,
  /** SMS reminders of this ticket, when a number was given with it (masked); null otherwise. */
  reminders: null as { phoneMasked: string; remindAhead: number | null; remindCalled: boolean } | null,
});

const local = (key: string) => {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
};
const keep = (key: string, value: string) => {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Private mode: the ticks last as long as the page.
  }
};

export function toggleChecked(item: string): void {
  page.checked = page.checked.includes(item) ? page.checked.filter((x) => x !== item) : [...page.checked, item];
  if (page.ticket) keep(`hallq.checked.${page.ticket.id}`, JSON.stringify(page.checked));
}

export function onMyWay(): void {
  page.onWay = true;
  if (page.ticket) keep(`hallq.onway.${page.ticket.id}`, '1');
}

/** The holder cancels: the hub's queue skips the number (the page's address is the right to do so). */
export async function cancelOwn(): Promise<void> {
  const id = page.ticket?.id;
  if (!id) return;
  page.actionError = null;
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
    if (!res.ok) {
      const body = await res.json();
      page.actionError = { zh: body.error?.zh ?? '取消未成功', en: body.error?.en ?? 'Could not cancel' };
    }
    await load(id);
  } catch {
    page.online = false;
  }
}

/** When the "almost your turn" text goes: at this many people ahead, or never (null). */
export async function setReminder(remindAhead: number | null): Promise<void> {
  const id = page.ticket?.id;
  if (!id || !page.reminders) return;
  page.actionError = null;
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(id)}/reminders`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ remindAhead }) });
    const body = await res.json();
    if (res.ok) page.reminders = body;
    else page.actionError = { zh: body.error?.zh ?? '设置未成功', en: body.error?.en ?? 'Could not set the reminder' };
  } catch {
    page.online = false;
  }
}

/** The ticket's SMS reminders; a ticket without a number (or a hall without SMS) has none to show. */
async function loadReminders(id: string): Promise<void> {
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(id)}/reminders`);
    page.reminders = res.ok ? await res.json() : null;
  } catch {
    page.reminders = null;
  }
}

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
    if (page.ticket?.id !== body.ticket.id) {
      const ticks = local(`hallq.checked.${body.ticket.id}`);
      page.checked = ticks ? (JSON.parse(ticks) as string[]) : [];
      page.onWay = local(`hallq.onway.${body.ticket.id}`) === '1';
      void loadReminders(body.ticket.id);
    }
    page.ticket = body.ticket;
    page.error = null;
    // The ticket names its category itself (name, materials, windows).
    page.categoryName = body.ticket.category ?? null;
  } catch {
    page.online = false;
  }
}
