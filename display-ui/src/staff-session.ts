import { call } from '../../src/api/browser-client.ts';

/**
 * A staff member's session in this browser tab: the console and the manager's dashboard share it
 * (sessionStorage is per tab, so a shared PC's next tab starts signed out). The hub's login also sets
 * an httpOnly cookie, but the pages call the API with the bearer token they hold here: the cookie is
 * whoever logged in last in this browser, another tab included.
 */
export interface StaffInfo {
  id: string;
  name: string;
  role: string;
  windows: { id: number; role: 'A' | 'B' }[];
}

export interface StaffSession {
  token: string;
  staff: StaffInfo;
  /** The console's window, when a clerk has signed in at one. */
  windowId: number | null;
}

export const SESSION_KEY = 'hallq.console.session';

export const isManagerRole = (role: string | undefined): boolean => role === 'manager' || role === 'admin';

export async function staffLogin(jobNo: string, password: string): Promise<{ token: string; staff: StaffInfo }> {
  return call<{ token: string; staff: StaffInfo }>('POST', '/auth/login', null, { jobNo, password });
}

export function savedSession(): StaffSession | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<StaffSession>;
    return typeof s.token === 'string' && s.staff ? { token: s.token, staff: s.staff, windowId: s.windowId ?? null } : null;
  } catch {
    return null;
  }
}

export function saveSession(s: StaffSession): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

/** Ends the session on the hub (a shared PC) and forgets it here. */
export async function endSession(token: string | null): Promise<void> {
  sessionStorage.removeItem(SESSION_KEY);
  if (token) await call('POST', '/auth/logout', token).catch(() => undefined);
}
