import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { api, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

const QUIET_KIOSK = 'test-kiosk-token-000000002';

/** Issue #13 through HTTP: the kiosk's settings, card eligibility, prompts, the console's new actions and panel. */
describe('at the counter, through the API', () => {
  let h: RunningHub;
  beforeAll(async () => {
    const config = testConfig({ simPrinter: true, allowChosenCall: true });
    // A second kiosk whose voice guidance is switched off (a quiet corner, a kiosk by the windows).
    config.devices.tokens.push({ id: 'kiosk-2', kind: 'kiosk', token: QUIET_KIOSK, voice: false });
    h = await startHub({ config });
  }, 60_000);
  afterAll(async () => {
    await h.dispose();
  });

  it('serves a favicon', async () => {
    const res = await fetch(`${h.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(bytes.subarray(23, 26).toString()).toBe('PNG');
  });

  it("tells the kiosk its voice setting, its prompts and its printer's state", async () => {
    const r = await api(h.url, 'GET', '/kiosk', { token: KIOSK });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kioskId: 'kiosk-1', voice: { enabled: true } });
    expect(r.body.voice.prompts.prompt_card.text).toBe('请刷身份证');
    expect(r.body.printer.state).toMatch(/ok|starting/);
    expect((await api(h.url, 'GET', '/kiosk')).status).toBe(401);
    // Voice guidance can be switched off per kiosk; a kiosk without a printer says so.
    const quiet = await api(h.url, 'GET', '/kiosk', { token: QUIET_KIOSK });
    expect(quiet.body).toMatchObject({ kioskId: 'kiosk-2', voice: { enabled: false }, printer: null });
    const url = r.body.voice.prompts.prompt_choose.url as string | null;
    if (url) {
      const wav = await fetch(`${h.url}${url}`);
      expect(wav.headers.get('content-type')).toBe('audio/wav');
      expect(Buffer.from(await wav.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    }
    expect((await fetch(`${h.url}/api/v1/voice/prompts/nope.wav`)).status).toBe(404);
  });

  it('says after a card read which categories the card may take, and the number it already holds', async () => {
    const read = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '李四', idNumber: withCheckDigit('33010219800101123') } });
    expect(read.status).toBe(201);
    const cardToken = read.body.card.cardToken as string;
    const issued = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB', cardToken } });
    expect(issued.status).toBe(201);
    expect(issued.body.ticket).toMatchObject({ materials: '身份证、社保卡', openWindows: 0, category: { zh: '社保' } });
    expect(issued.body.ticket.windows.map((w: { id: number }) => w.id)).toEqual([1, 2, 3]);
    const r = await api(h.url, 'POST', '/tickets/eligibility', { token: KIOSK, body: { cardToken } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const byId = Object.fromEntries(r.body.categories.map((c: { id: string }) => [c.id, c]));
    expect(byId.ZX).toMatchObject({ ok: true });
    expect(byId.MZ).toMatchObject({ ok: true });
    expect(byId.SB).toMatchObject({ ok: false, code: 'HQ_ERR_ONE_PER_ID', detail: { number: issued.body.ticket.number, status: 'waiting', ahead: 0 } });
    // The refusal at the counter itself names the number too.
    const again = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB', cardToken } });
    expect(again.body.error).toMatchObject({ code: 'HQ_ERR_ONE_PER_ID', detail: { number: issued.body.ticket.number } });
    expect((await api(h.url, 'POST', '/tickets/eligibility', { token: KIOSK, body: { cardToken: 'nope' } })).body.error.code).toBe('HQ_ERR_CARD_TOKEN_INVALID');
  });

  it("lists the window's queue in call order, calls a chosen number, completes and calls next, and carries a transfer note", async () => {
    const c1 = await openWindow(h.url, 1);
    const c2 = await openWindow(h.url, 2);
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) numbers.push((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket.number);
    const panel = (await api(h.url, 'GET', '/windows/1', { token: c1 })).body.window;
    expect(panel).toMatchObject({ recallLimit: 2, allowChosenCall: true });
    const zx = panel.queue.filter((q: { categoryId: string }) => q.categoryId === 'ZX');
    expect(zx.map((q: { number: string }) => q.number)).toEqual(numbers);
    expect(zx[0].reason.detail.zh).toBeTruthy();
    const third = zx[2];
    const chosen = await api(h.url, 'POST', '/windows/1/call-chosen', { token: c1, body: { serviceId: third.serviceId } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ ticket: { number: numbers[2] }, reason: { rule: 'chosen' } });
    // Not one of window 2's: refused, nothing changes.
    const seq = h.hub.handler.seq;
    expect((await api(h.url, 'POST', '/windows/2/call-chosen', { token: c2, body: { serviceId: third.serviceId } })).body.error.code).toBe('HQ_ERR_CHOSEN_NOT_WAITING');
    expect(h.hub.handler.seq).toBe(seq);
    const next = await api(h.url, 'POST', '/windows/1/complete-and-call', { token: c1, body: {} });
    expect(next.status).toBe(200);
    expect(next.body.completed.number).toBe(numbers[2]);
    expect(next.body.called.ticket.number).toBe(panel.queue[0].number);
    const moved = next.body.called.ticket.number as string;
    await api(h.url, 'POST', '/windows/1/transfer', { token: c1, body: { toWindowId: 2, note: '材料已核对，请办理' } });
    await api(h.url, 'POST', '/windows/2/call-next', { token: c2 });
    const p2 = (await api(h.url, 'GET', '/windows/2', { token: c2 })).body.window;
    expect(p2.current).toMatchObject({ number: moved, transfer: { fromWindowId: 1, fromWindowName: '窗口1', note: '材料已核对，请办理' } });
    const p1 = (await api(h.url, 'GET', '/windows/1', { token: c1 })).body.window;
    expect(p1.day).toMatchObject({ served: 1, transferred: 1 });
  });
});
