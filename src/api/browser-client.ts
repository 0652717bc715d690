/** The hub's /api/v1 from a browser (kiosk, displays, console): JSON in and out, bilingual errors. */
export interface HubErrorBody {
  code: string;
  message: string;
  zh: string;
  en: string;
  detail?: Record<string, unknown>;
}

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly body: HubErrorBody,
  ) {
    super(body.message);
  }
}

export async function call<T>(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      // x-hallq-client: the same-origin proof the hub asks of cookie-authenticated calls.
      headers: { 'x-hallq-client': 'ui', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new HubError(0, { code: 'HQ_ERR_OFFLINE', message: '', zh: '暂时无法连接服务器，请稍候再试或到导办台', en: 'Cannot reach the server; try again shortly or see the guide desk' });
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new HubError(res.status, json?.error ?? { code: `HTTP_${res.status}`, message: '', zh: '操作失败', en: 'Failed' });
  return json as T;
}

/**
 * A device page's token (kiosk, pad): it arrives once as `?token=`, is kept on the machine, and is
 * taken out of the address bar so it does not end up in a screenshot or a bookmark.
 */
export function deviceTokenFromUrl(storageKey: string): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    localStorage.setItem(storageKey, fromUrl);
    const rest = new URLSearchParams(location.search);
    rest.delete('token');
    history.replaceState(null, '', `${location.pathname}${rest.size ? `?${rest}` : ''}`);
  }
  return localStorage.getItem(storageKey);
}

/** A fresh key per tap: a network retry of the same tap can never make a second ticket. */
export function tapKey(): string {
  return `tap-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
