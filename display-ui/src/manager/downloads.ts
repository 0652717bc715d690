import { filenameOf } from './dashboard-model.ts';

/**
 * Downloads of the month's workbook and tables. The API wants the manager's bearer token (a plain
 * link would carry only the browser's cookie, which is whoever logged in last in this browser), so
 * the file is fetched with the token and saved from a blob, under the name the hub gives it.
 */
export type DownloadResult = { ok: true; name: string; bytes: number; type: string } | { ok: false; status: number; zh: string; en: string };

export async function downloadFile(path: string, token: string, fallbackName: string): Promise<DownloadResult> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, 'x-hallq-client': 'ui' } });
  } catch {
    return { ok: false, status: 0, zh: '无法连接服务器，请稍后再试', en: 'Cannot reach the hub; try again shortly' };
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { zh?: string; en?: string } } | null;
    return { ok: false, status: res.status, zh: body?.error?.zh ?? '下载失败', en: body?.error?.en ?? 'Download failed' };
  }
  const blob = await res.blob();
  const name = filenameOf(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the blob once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true, name, bytes: blob.size, type: res.headers.get('content-type') ?? '' };
}
