/** A JSON POST to the server under test (never used for timing-sensitive load, only for setup and calls). */
export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** Like postJson, but anything but the expected status is an error. */
export async function expectPost(url: string, body: unknown, status: number, token?: string): Promise<any> {
  const r = await postJson(url, body, token);
  if (r.status !== status) throw new Error(`POST ${url} answered ${r.status} (expected ${status}): ${JSON.stringify(r.body)}`);
  return r.body;
}
