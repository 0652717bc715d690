import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsIn, api, openWindow, startHub, login, type RunningHub } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';
import { FakeSmsChannel } from '../support/fake-sms-channel.ts';

const PHONE = '13812345678';
const OTHER = '15900001111';

/** Waits until `cond` holds (the SMS service works after the commit, off the command path). */
async function until<T>(cond: () => T | undefined | null | false, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every byte of the database, its WAL and shared memory, as text a grep would see. */
function diskText(h: RunningHub): string {
  h.hub.db.pragma('wal_checkpoint(PASSIVE)');
  return ['', '-wal', '-shm']
    .map((suffix) => {
      try {
        return readFileSync(h.dbFile + suffix).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('\n');
}

describe('SMS: a ticket by text, its replies and reminders (issue #15 §2)', () => {
  let h: RunningHub;
  let channel: FakeSmsChannel;
  afterEach(async () => h?.dispose());

  async function start(sms: Record<string, unknown> = {}) {
    channel = new FakeSmsChannel();
    h = await startHub({ config: testConfig({ sms: { remindAhead: 2, retry: { initialSec: 1, maxSec: 1 }, ...sms } }), smsChannel: channel });
  }

  it('取号 SB takes a ticket once, replies with the number, the people ahead and the link', async () => {
    await start();
    await channel.receive(PHONE, '取号 SB', 'm1');
    await channel.receive(PHONE, '取号 SB', 'm1'); // the modem read it again after a crash: one message
    const reply = await until(() => channel.to(PHONE)[0]);
    expect(reply).toMatch(/^【测试镇便民服务中心】您已取号B\d{3}（社保），前面0人/);
    expect(reply).toMatch(/\/t\/t[\w-]+/);
    const issued = eventsIn(h.hub.db, "type = 'ticket.issued'");
    expect(issued).toHaveLength(1);
    expect(issued[0]!.data).toMatchObject({ categoryId: 'SB', source: 'sms', phoneMasked: '138****5678', kioskId: null });
    expect(channel.sent).toHaveLength(1);
  });

  it('accepts short codes, full-width letters and the prefix letter; answers 查询 and 取消', async () => {
    await start();
    await channel.receive(PHONE, 'ｑｈ ｂ', 'm1');
    await until(() => channel.to(PHONE).length === 1);
    await channel.receive(PHONE, '查询', 'm2');
    const status = await until(() => channel.to(PHONE)[1]);
    expect(status).toMatch(/B\d{3}号前面还有0人/);
    await channel.receive(PHONE, 'QX', 'm3');
    const cancelled = await until(() => channel.to(PHONE)[2]);
    expect(cancelled).toMatch(/B\d{3}号已取消/);
    expect(eventsIn(h.hub.db, "type = 'ticket.cancelled'")).toHaveLength(1);
    await channel.receive(PHONE, '查询', 'm4');
    expect(await until(() => channel.to(PHONE)[3])).toContain('您今天没有排队中的号');
  });

  it('one live number per category; the per-number day limit and the help text are each answered once', async () => {
    await start({ perPhonePerDay: 2 });
    await channel.receive(PHONE, '取号 SB', 'a');
    await channel.receive(PHONE, '取号 SB', 'b');
    await until(() => channel.to(PHONE).length === 2);
    expect(channel.to(PHONE)[1]).toMatch(/B\d{3}号前面还有0人/); // the number it holds, not a second one
    await channel.receive(PHONE, '取号 ZX', 'c');
    await until(() => channel.to(PHONE).length === 3);
    await channel.receive(PHONE, '取号 ZX', 'd'); // holds ZX now: told which
    await until(() => channel.to(PHONE).length === 4);
    // Cancel both so "one per category" does not answer first, then hit the day limit (2 taken).
    await channel.receive(PHONE, '取消', 'e');
    await channel.receive(PHONE, '取消', 'f');
    await until(() => channel.to(PHONE).length === 6);
    await channel.receive(PHONE, '取号 SB', 'g');
    await until(() => channel.to(PHONE).length === 7);
    expect(channel.to(PHONE)[6]).toContain('每个手机号每天最多短信取号2次');
    await channel.receive(PHONE, '取号 SB', 'h');
    await channel.receive(PHONE, '你好', 'i');
    await channel.receive(PHONE, '你好啊', 'j');
    await until(() => channel.to(PHONE).length === 8);
    await new Promise((r) => setTimeout(r, 100));
    expect(channel.to(PHONE)).toHaveLength(8); // the second limit refusal and the second help are not answered
    expect(channel.to(PHONE)[7]).toMatch(/回复“取号 代码”.*ZX综合咨询、SB社保/);
    expect(channel.to(PHONE)[7]).not.toContain('MZ'); // needs the ID card: the kiosk only
    expect(eventsIn(h.hub.db, "type = 'ticket.issued'")).toHaveLength(2);
  });

  it('a category that needs the ID card is refused with what to do', async () => {
    await start();
    await channel.receive(PHONE, '取号 MZ', 'x');
    expect(await until(() => channel.to(PHONE)[0])).toContain('取号未成功：该业务需凭身份证，请到大厅自助机刷证取号');
    expect(eventsIn(h.hub.db, "type = 'ticket.issued'")).toHaveLength(0);
  });

  it('reminds at N ahead and at the call (naming the window), then erases the number when the ticket ends', async () => {
    await start();
    const kiosk = (n: number) => Promise.all(Array.from({ length: n }, () => api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } })));
    await kiosk(3);
    await channel.receive(PHONE, '取号 SB', 'm1');
    expect(await until(() => channel.to(PHONE)[0])).toContain('前面3人');
    const clerk = await openWindow(h.url, 1);
    expect((await api(h.url, 'POST', '/windows/1/call-next', { token: clerk })).status).toBe(200);
    // The first call took the first kiosk ticket to the window: 2 waiting ahead, which is the distance (2).
    const almost = await until(() => channel.to(PHONE)[1]);
    expect(almost).toMatch(/B\d{3}号前面还有2人，请尽快到大厅候叫/);
    for (let i = 0; i < 3; i++) {
      await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: {} });
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    }
    const called = await until(() => channel.to(PHONE).find((t) => t.includes('办理')));
    expect(called).toMatch(/请B\d{3}号到1号窗口（窗口1）办理。/);
    expect(channel.to(PHONE)).toHaveLength(3); // one "almost", once
    expect(h.hub.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(1);
    await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: {} });
    await until(() => h.hub.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get() === 0);
  });

  it('holds a number typed at the kiosk too; the manager sees masked numbers; the phone page sets its reminders; nothing is held after the day closes', async () => {
    await start();
    await channel.receive(PHONE, '取号 SB', 'm1');
    await until(() => channel.to(PHONE)[0]);
    const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', phone: OTHER } });
    expect(r.status).toBe(201);
    expect(h.hub.db.prepare('SELECT COUNT(*) FROM contacts WHERE sealed IS NOT NULL').pluck().get()).toBe(2);
    const disk = diskText(h);
    for (const n of [PHONE, OTHER]) {
      expect(disk).not.toContain(n);
      expect(disk).not.toContain(Buffer.from(n, 'utf16le').toString('latin1'));
    }
    // The manager's view of the outbox shows masked numbers.
    const manager = await login(h.url, 'm1');
    const view = await api(h.url, 'GET', '/sms', { token: manager });
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(PHONE);
    expect(view.body.messages[0].phoneMasked).toBe('138****5678');
    // The phone page's reminders: the ticket id is the secret.
    const ticketId = (eventsIn(h.hub.db, "type = 'ticket.issued'")[1]!.data as { ticketId: string }).ticketId;
    const got = await api(h.url, 'GET', `/tickets/${ticketId}/reminders`);
    expect(got.body).toEqual({ phoneMasked: '159****1111', remindAhead: 2, remindCalled: true });
    const set = await api(h.url, 'PUT', `/tickets/${ticketId}/reminders`, { body: { remindAhead: null } });
    expect(set.body.remindAhead).toBeNull();
    const bad = await api(h.url, 'PUT', `/tickets/${ticketId}/reminders`, { body: { remindAhead: 0 } });
    expect(bad.status).toBe(400);
    // The day closes: nothing of either number is left.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const close = await api(h.url, 'POST', '/days/close', { token: manager, body: { businessDate: today } });
    expect(close.status, JSON.stringify(close.body)).toBe(200);
    await until(() => h.hub.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get() === 0);
    expect(h.hub.db.prepare("SELECT COUNT(*) FROM sms_outbox WHERE sealed IS NOT NULL").pluck().get()).toBe(0);
    expect(h.hub.db.prepare('SELECT COUNT(*) FROM sms_inbox WHERE sealed_from IS NOT NULL').pluck().get()).toBe(0);
  });

  it('a dead modem delays texts and never a call; they go out once it is back, in order', async () => {
    await start();
    channel.failing = 'CMS ERROR 38: network out of order';
    await channel.receive(PHONE, '取号 SB', 'm1');
    await channel.receive(OTHER, '取号 SB', 'm2');
    const clerk = await openWindow(h.url, 1);
    const t0 = performance.now();
    expect((await api(h.url, 'POST', '/windows/1/call-next', { token: clerk })).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    const manager = await login(h.url, 'm1');
    const status = (await api(h.url, 'GET', '/sms', { token: manager })).body.status;
    expect(status).toMatchObject({ channel: 'down', channelError: 'CMS ERROR 38: network out of order' });
    expect(status.pending).toBeGreaterThanOrEqual(2);
    expect(channel.sent).toHaveLength(0);
    channel.failing = null;
    // The retry waits its back-off (1 s here), then everything goes.
    await new Promise((r) => setTimeout(r, 1100));
    h.hub.sms!.service.pump();
    await until(() => channel.sent.length >= 3, 4000);
    expect(channel.to(PHONE)[0]).toContain('您已取号');
    expect(channel.to(PHONE)[1]).toMatch(/请B\d{3}号到1号窗口/);
  });
});

describe('what is kept of texts', () => {
  it('a handled text goes after a day, a sent one after a week, the per-number counts after their day', async () => {
    const channel = new FakeSmsChannel();
    const h = await startHub({ config: testConfig({ sms: true }), smsChannel: channel });
    try {
      await channel.receive(PHONE, '取号 SB', 'k1');
      await until(() => channel.to(PHONE)[0]);
      const count = (table: string) => h.hub.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
      expect([count('sms_inbox'), count('sms_outbox'), count('sms_daily')]).toEqual([1, 1, 1]);
      h.hub.sms!.service.purge(Date.now() + 2 * 24 * 3600_000);
      expect([count('sms_inbox'), count('sms_outbox'), count('sms_daily')]).toEqual([0, 1, 0]);
      h.hub.sms!.service.purge(Date.now() + 8 * 24 * 3600_000);
      expect(count('sms_outbox')).toBe(0);
    } finally {
      await h.dispose();
    }
  });
});

describe('a text taken but not handled when the hub stopped', () => {
  it('is handled once at the next start: its ticket issued, its reply sent', async () => {
    const { TextSeal } = await import('../../src/personal/text-seal.ts');
    const { TEST_CONTACT_KEY } = await import('../support/hub.ts');
    const first = await startHub({ config: testConfig({ sms: true }), smsChannel: new FakeSmsChannel() });
    const key = first.hub.sms!.vault.keyOf(PHONE);
    await first.stop();
    // What `receive` wrote before a kill -9 came between it and the handling.
    const { openDb } = await import('../../src/store/open-db.ts');
    const db = openDb(first.dbFile);
    db.prepare('INSERT INTO sms_inbox (ref, phone_key, masked, sealed_from, text, received_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'r-crash',
      key,
      '138****5678',
      new TextSeal(TEST_CONTACT_KEY).seal(PHONE, 'inbox:r-crash'),
      '取号 ZX',
      Date.now(),
    );
    db.close();
    const channel = new FakeSmsChannel();
    const second = await startHub({ config: testConfig({ sms: true }), smsChannel: channel, dir: first.dir });
    try {
      expect(await until(() => channel.to(PHONE)[0])).toMatch(/您已取号A001/);
      expect(eventsIn(second.hub.db, "type = 'ticket.issued'")).toHaveLength(1);
      expect(second.hub.db.prepare("SELECT handled_at IS NOT NULL AND sealed_from IS NULL FROM sms_inbox WHERE ref = 'r-crash'").pluck().get()).toBe(1);
    } finally {
      await second.dispose();
    }
  });
});

describe('a text while the category is closed', () => {
  it('says when it opens', async () => {
    const { FakeClock } = await import('../support/fake-clock.ts');
    const sessions = [{ start: '09:00', end: '12:00' }];
    const week = { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: [], sun: [] };
    const clock = new FakeClock(Date.parse('2026-11-23T20:00:00+08:00')); // a Monday evening
    const channel = new FakeSmsChannel();
    const h = await startHub({ clock, config: testConfig({ sms: true, week }), smsChannel: channel });
    try {
      await channel.receive(PHONE, '取号 SB', 'closed-1');
      expect(await until(() => channel.to(PHONE)[0])).toBe('【测试镇便民服务中心】取号未成功：该业务当前不在办理时间，11月24日09:00起可取号');
    } finally {
      await h.dispose();
    }
  });
});

describe('a booking made with a mobile number (issue #15 §2 reminders)', () => {
  it('is confirmed by text, reminded the evening before and 30 minutes before, and its number goes with the check-in', async () => {
    const { FakeClock } = await import('../support/fake-clock.ts');
    const { withCheckDigit } = await import('../../src/personal/id-number.ts');
    const sessions = [{ start: '09:00', end: '12:00' }];
    const week = { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: [], sun: [] };
    const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
    const clock = new FakeClock(at('2026-11-23', '10:00')); // Monday
    const channel = new FakeSmsChannel();
    const h = await startHub({ clock, config: testConfig({ sms: { bookingEveAt: '17:00', bookingSoonMin: 30 }, week }), smsChannel: channel });
    try {
      const slotStart = at('2026-11-24', '09:30');
      const made = await api(h.url, 'POST', '/public/bookings', { body: { categoryId: 'SB', slotStart, name: '王小明', idNumber: withCheckDigit('33010219800101123'), phone: PHONE } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const code = made.body.booking.code as string;
      expect(await until(() => channel.to(PHONE)[0])).toBe(`【测试镇便民服务中心】预约成功：社保，11月24日09:30，预约码${code}。到场后在自助机输入预约码或刷身份证取号。`);
      clock.set(at('2026-11-23', '16:59'));
      await h.hub.sms!.service.tick();
      expect(channel.to(PHONE)).toHaveLength(1);
      clock.set(at('2026-11-23', '17:00'));
      await h.hub.sms!.service.tick();
      expect(await until(() => channel.to(PHONE)[1])).toBe(`【测试镇便民服务中心】提醒：您预约了明天11月24日09:30的社保，预约码${code}。请带齐材料按时到场。`);
      clock.set(at('2026-11-24', '09:01'));
      await h.hub.sms!.service.tick();
      expect(await until(() => channel.to(PHONE)[2])).toBe(`【测试镇便民服务中心】提醒：您预约的社保将于11月24日09:30开始，预约码${code}，请按时到场签到。`);
      await h.hub.sms!.service.tick();
      expect(channel.to(PHONE)).toHaveLength(3); // each once
      // Checked in at the kiosk: the number now belongs to the ticket, and the call is texted.
      const ticket = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { appointmentCode: code } });
      expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
      await until(() => h.hub.sms!.vault.get(`ticket:${ticket.body.ticket.id}`));
      expect(h.hub.sms!.vault.get(`booking:${code}`)).toBeNull();
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      expect(await until(() => channel.to(PHONE)[3])).toMatch(/^【测试镇便民服务中心】请B\d{3}号到1号窗口（窗口1）办理。$/);
    } finally {
      await h.dispose();
    }
  });
});
