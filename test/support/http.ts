/**
 * The hub's HTTP API from a test, by plain fetch: no hub module is loaded, so tests that spawn the hub
 * as its own process use it as cheaply as those that build one in-process.
 */
export async function api(url: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** `api` with the token and body in place: the form the tests of separate hub processes call. */
export function call(url: string, method: string, path: string, token?: string, body?: unknown) {
  return api(url, method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
}
