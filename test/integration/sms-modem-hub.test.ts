import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePdu } from '../../devices/sms-modem/index.ts';
import { runSmsModemOnSerial, type SerialSmsModem } from '../../devices/sms-modem/simulator/run-on-serial.ts';
import type { SentSms } from '../../devices/sms-modem/simulator/sms-modem-simulator.ts';
import { startSocatPtyPair, type PtyPair } from '../../devices/test-support/socat-pty-pair.ts';
import { api, eventsIn, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

const HAVE_SOCAT = hasTool('socat');

async function until<T>(what: string, cond: () => T | undefined | null | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The texts the modem was asked to send to one number, whole: each part's PDU decoded again here
 * (not trusting the simulator's reading), and concatenated parts joined by their reference.
 */
function textsTo(sent: readonly SentSms[], to: string): string[] {
  const whole = new Map<string, { parts: string[]; total: number }>();
  const out: string[] = [];
  for (const s of sent) {
    const pdu = decodePdu(s.hex);
    if (pdu.type !== 'submit' || pdu.to.replace(/^\+86/, '') !== to) continue;
    if (!pdu.concat) {
      out.push(pdu.text);
      continue;
    }
    const key = `${pdu.concat.ref}`;
    const w = whole.get(key) ?? { parts: [], total: pdu.concat.total };
    w.parts[pdu.concat.seq - 1] = pdu.text;
    whole.set(key, w);
    if (w.parts.filter((p) => p !== undefined).length === w.total) {
      out.push(w.parts.join(''));
      whole.delete(key);
    }
  }
  return out;
}

describe.skipIf(!HAVE_SOCAT)('an SMS takes a ticket over the simulated modem on a pty (issue #15 acceptance)', () => {
  let dir: string;
  let pair: PtyPair;
  let modem: SerialSmsModem;
  let h: RunningHub;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-sms-hub-'));
    pair = await startSocatPtyPair(dir);
    modem = await runSmsModemOnSerial(pair.b);
    h = await startHub({ config: testConfig({ sms: { modem: { uri: `serial:${pair.a}` }, remindAhead: 1 } }) });
  });

  afterAll(async () => {
    await h?.dispose();
    await modem?.close();
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('取号 SB in, a ticket and a reply out; "almost" at 1 ahead and the call with its window, as PDUs', async () => {
    const PHONE = '13912345678';
    await until('the modem to be ready', () => h.hub.sms!.service.status().channel === 'ok');
    for (let i = 0; i < 2; i++) expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } })).status).toBe(201);
    modem.simulator.inject(`+86${PHONE}`, '取号 SB');
    const reply = await until('the reply', () => textsTo(modem.simulator.sent, PHONE)[0]);
    expect(reply).toMatch(/^【测试镇便民服务中心】您已取号B003（社保），前面2人/);
    const issued = eventsIn(h.hub.db, "type = 'ticket.issued'").at(-1)!;
    expect(issued.data).toMatchObject({ source: 'sms', phoneMasked: '139****5678' });
    // The text was taken off the SIM once the hub held it.
    await until('the SIM to be emptied', () => modem.simulator.stored.size === 0);

    const clerk = await openWindow(h.url, 1);
    await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    const almost = await until('the almost-your-turn text', () => textsTo(modem.simulator.sent, PHONE)[1]);
    expect(almost).toMatch(/B003号前面还有1人，请尽快到大厅候叫/);
    await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: {} });
    await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: {} });
    await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    const called = await until('the call text', () => textsTo(modem.simulator.sent, PHONE)[2]);
    expect(called).toBe('【测试镇便民服务中心】请B003号到1号窗口（窗口1）办理。');
    // Every part asked for a delivery report, and the reports came back: the texts show as delivered.
    expect(modem.simulator.sent.every((s) => s.statusReportRequested)).toBe(true);
    await until('delivery reports', () => h.hub.sms!.outbox.list({ state: 'delivered', limit: 10 }).length === 3);
  });
});
