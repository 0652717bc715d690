import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { OutboxStore } from '../../src/upstream/outbox-store.ts';
import { api, login, openWindow, startHub, eventsIn } from '../support/hub.ts';
import { KIOSK, padToken } from '../support/test-config.ts';

describe('personal data (DESIGN §5)', () => {
  it('keeps no raw ID number in the database files, the log or socket payloads after card reads', async () => {
    const ids = [withCheckDigit('33010219500101123'), withCheckDigit('44010619881212345'), withCheckDigit('11010519491231002')];
    const bodies = ids.map((id) => id.slice(0, 17)); // a number without its check digit is still a number
    let log = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        log += chunk.toString();
        cb();
      },
    });
    const h = await startHub({ logger: { level: 'trace', stream: sink } });
    const seen: string[] = [];
    const manager = await login(h.url, 'm1');
    const socket = connect(h.url, { transports: ['websocket'], auth: { token: manager, rooms: ['hall', 'manager'] } });
    socket.onAny((_type, payload) => seen.push(JSON.stringify(payload)));
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    try {
      const guide = await login(h.url, 'g1');
      for (const [i, id] of ids.entries()) {
        const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: ['张三丰', '李四', '欧阳娜娜'][i], idNumber: id, validUntil: '20351231' } });
        expect(card.status).toBe(201);
        expect(JSON.stringify(card.body)).not.toContain(id);
        const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ', cardToken: card.body.card.cardToken } });
        expect(t.status).toBe(201);
        // A second card for an appointment booked at the guide desk.
        const card2 = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '王五', idNumber: id } });
        await api(h.url, 'POST', '/appointments', {
          token: guide,
          body: { categoryId: 'SB', slotStart: '2030-01-07T09:00:00+08:00', slotEnd: '2030-01-07T09:30:00+08:00', cardToken: card2.body.card.cardToken },
        });
      }
      // Bad reads are refused without echoing the number.
      const wrong = ids[0]!.slice(0, 17) + (ids[0]!.endsWith('1') ? '2' : '1');
      const refused = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '赵六', idNumber: wrong } });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).not.toContain(wrong);
      const expired = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '赵六', idNumber: ids[1], validUntil: '20200101' } });
      expect(expired.body.error.code).toBe('HQ_ERR_ID_CARD_EXPIRED');
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      socket.close();
      await h.stop();
    }
    expect(seen.some((p) => p.includes('"hmac"'))).toBe(true); // the manager did get holder data, hashed
    expect(log).toContain('/api/v1/sim/idcard/insert'); // the log did record the calls
    const files = readdirSync(h.dir).map((f) => join(h.dir, f));
    expect(files.some((f) => f.endsWith('hallq.db'))).toBe(true);
    const haystacks = [...files.map((f) => readFileSync(f).toString('latin1')), log, ...seen];
    for (const hay of haystacks) {
      for (const needle of [...ids, ...bodies]) expect(hay.includes(needle), 'raw ID number found').toBe(false);
    }
    const db = readFileSync(join(h.dir, 'hallq.db')).toString('utf8');
    // The masked form is what is kept: the last four only, no region prefix to narrow a brute force.
    expect(db).toContain('*'.repeat(14) + ids[0]!.slice(-4));
    expect(db).not.toContain('3301**');
    await h.dispose();
  });
});

describe('phone numbers for SMS (DESIGN §5, issue #15 §2)', () => {
  it('are never in clear in the database, its WAL, the log or socket payloads while SMS tickets and bookings live, nor after the day closes', async () => {
    const { FakeSmsChannel } = await import('../support/fake-sms-channel.ts');
    const { testConfig } = await import('../support/test-config.ts');
    const phones = ['13812345678', '15900001111', '18677778888', '13655554444'];
    const bookerId = withCheckDigit('33010219700101123');
    let log = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        log += chunk.toString();
        cb();
      },
    });
    const channel = new FakeSmsChannel();
    channel.failing = 'modem unplugged'; // texts wait in the outbox: their sealed copies are on disk too
    const h = await startHub({ config: testConfig({ sms: true }), smsChannel: channel, logger: { level: 'trace', stream: sink } });
    const seen: string[] = [];
    const manager = await login(h.url, 'm1');
    const socket = connect(h.url, { transports: ['websocket'], auth: { token: manager, rooms: ['hall', 'manager'] } });
    socket.onAny((_type, payload) => seen.push(JSON.stringify(payload)));
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    const haystacks = () => {
      if (h.hub.db.open) h.hub.db.pragma('wal_checkpoint(PASSIVE)');
      return [...readdirSync(h.dir).map((f) => readFileSync(join(h.dir, f)).toString('latin1')), log, ...seen];
    };
    const clear = (hay: string) =>
      [...phones, bookerId, bookerId.slice(0, 17)].some((p) => hay.includes(p) || hay.includes(Buffer.from(p, 'utf16le').toString('latin1')));
    try {
      await channel.receive(phones[0]!, '取号 SB', 'p1');
      await channel.receive(phones[1]!, 'QH ZX', 'p2');
      const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', phone: phones[2] } });
      expect(t.status).toBe(201);
      // A booking on the phone page, with the resident's ID and mobile numbers.
      const slots = await api(h.url, 'GET', '/public/booking/slots?categoryId=SB');
      const slot = (slots.body.days as { slots: { start: number; free: number }[] }[]).flatMap((d) => d.slots).find((s) => s.free > 0)!;
      const booked = await api(h.url, 'POST', '/public/bookings', { body: { categoryId: 'SB', slotStart: slot.start, name: '王小明', idNumber: bookerId, phone: phones[3] } });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      await new Promise((r) => setTimeout(r, 200));
      expect(h.hub.db.prepare('SELECT COUNT(*) FROM contacts WHERE sealed IS NOT NULL').pluck().get()).toBe(4);
      expect(h.hub.db.prepare("SELECT COUNT(*) FROM sms_outbox WHERE state = 'pending' AND sealed IS NOT NULL").pluck().get()).toBeGreaterThanOrEqual(3);
      for (const hay of haystacks()) expect(clear(hay), 'clear phone number found while live').toBe(false);
      expect(seen.join('\n')).toContain('138****5678'); // the manager sees the masked form
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      expect((await api(h.url, 'POST', '/days/close', { token: manager, body: { businessDate: today } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      // The tickets' numbers are gone; the booking (a later slot) still lives, its number sealed.
      expect(h.hub.db.prepare("SELECT COUNT(*) FROM contacts WHERE owner LIKE 'ticket:%'").pluck().get()).toBe(0);
      expect(h.hub.db.prepare("SELECT COUNT(*) FROM contacts WHERE owner LIKE 'booking:%' AND sealed IS NOT NULL").pluck().get()).toBe(1);
      // Texts still waiting hold their own sealed copy until sent or given up; a reply lives 30 min, a call text 10.
      h.hub.sms!.outbox.expire(Date.now() + 24 * 3600_000);
      expect(h.hub.db.prepare('SELECT COUNT(*) FROM sms_outbox WHERE sealed IS NOT NULL').pluck().get()).toBe(0);
      expect(h.hub.db.prepare('SELECT COUNT(*) FROM sms_inbox WHERE sealed_from IS NOT NULL').pluck().get()).toBe(0);
    } finally {
      socket.close();
      await h.stop();
    }
    for (const hay of haystacks()) expect(clear(hay), 'clear phone number found after close').toBe(false);
    await h.dispose();
  });
});

describe('retention (privacy.retentionDays)', () => {
  it('removes personal fields older than the retention and keeps everything else', async () => {
    const { FakeClock } = await import('../support/fake-clock.ts');
    const clock = new FakeClock(Date.parse('2026-01-05T02:00:00Z'));
    const h = await startHub({ clock });
    try {
      const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '张三丰', idNumber: withCheckDigit('33010219500101123') } });
      const old = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ', cardToken: card.body.card.cardToken, phone: '13812345678' } });
      expect(old.status).toBe(201);
      await api(h.url, 'DELETE', `/tickets/${old.body.ticket.id}`, { token: await login(h.url, 'g1') });
      clock.set('2026-07-10T02:00:00Z'); // 186 days later; retention 180
      const card2 = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '李四', idNumber: withCheckDigit('44010619881212345') } });
      const recent = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ', cardToken: card2.body.card.cardToken } });
      h.hub.handler.runAllMaintenance();
      // The old ticket's projection row is gone (the log keeps the ticket); the recent one keeps its holder.
      const rows = h.hub.db.prepare('SELECT id, data FROM tickets').all() as { id: string; data: string }[];
      expect(rows.find((r) => r.id === old.body.ticket.id)).toBeUndefined();
      expect(JSON.parse(rows.find((r) => r.id === recent.body.ticket.id)!.data).holder.nameMasked).toBe('李*');
      // In the log: the old issue without holder or phone, its number and times kept; the new one whole.
      const issued = eventsIn(h.hub.db, `type = 'ticket.issued'`);
      expect(issued[0]!.data).toMatchObject({ holder: null, phoneMasked: null, number: 'C001' });
      expect(issued[1]!.data).toMatchObject({ holder: { nameMasked: '李*' } });
      // Done is done: another pass changes nothing.
      const before = h.hub.db.prepare(`SELECT group_concat(data, '|') AS all_data FROM events`).get();
      h.hub.handler.runAllMaintenance();
      expect(h.hub.db.prepare(`SELECT group_concat(data, '|') AS all_data FROM events`).get()).toEqual(before);
    } finally {
      await h.dispose();
    }
  });
});

describe('public payloads', () => {
  it('keep staff notes and cancel reasons off the hall screens', async () => {
    const { io: connect } = await import('socket.io-client');
    const h = await startHub();
    const wall: string[] = [];
    const socket = connect(h.url, { transports: ['websocket'], auth: {} });
    socket.onAny((type, payload) => wall.push(`${type} ${JSON.stringify(payload)}`));
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    try {
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      const secret = '群众身份证330102196001011234电话13812345678';
      expect((await api(h.url, 'POST', '/windows/1/transfer', { token: clerk, body: { toWindowId: 2, note: secret } })).status).toBe(200);
      const guide = await login(h.url, 'g1');
      const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
      await api(h.url, 'DELETE', `/tickets/${t.body.ticket.id}?reason=${encodeURIComponent(secret)}`, { token: guide });
      await new Promise((r) => setTimeout(r, 200));
      expect(wall.some((l) => l.startsWith('ticket.transferred'))).toBe(true);
      expect(wall.some((l) => l.startsWith('ticket.cancelled'))).toBe(true);
      expect(wall.join('\n')).not.toContain('330102196001011234');
      expect(wall.join('\n')).not.toContain('13812345678');
    } finally {
      socket.close();
      await h.dispose();
    }
  });
});

describe('numbers typed into free text', () => {
  it('are scrubbed before they are stored: no phone or ID number in the database, the outbox or any room', async () => {
    const id = withCheckDigit('33010219500101123');
    const phone = '13912345678';
    const h = await startHub();
    const seen: string[] = [];
    const manager = await login(h.url, 'm1');
    const socket = connect(h.url, { transports: ['websocket'], auth: { token: manager } });
    socket.onAny((_type, payload) => seen.push(JSON.stringify(payload)));
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    try {
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerk });
      const rated = await api(h.url, 'POST', '/ratings', {
        token: padToken(1),
        body: { serviceId: done.body.serviceId, level: 2, reasons: ['服务效率'], comment: `请回电${phone},身份证${id}` },
      });
      expect(rated.status).toBe(201);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      await api(h.url, 'POST', '/windows/1/transfer', { token: clerk, body: { toWindowId: 2, note: `家属电话 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` } });
      await api(h.url, 'POST', `/followups/${rated.body.followup.id}`, { token: manager, body: { step: 'callback', note: `已致电${phone}` } });
      await new Promise((r) => setTimeout(r, 300));
      const files = readdirSync(h.dir).filter((f) => f.startsWith('hallq.db')).map((f) => readFileSync(join(h.dir, f)).toString('utf8'));
      for (const hay of [...files, ...seen]) {
        expect(hay.includes(phone), 'phone number found').toBe(false);
        expect(hay.includes(id), 'ID number found').toBe(false);
      }
      // What is kept is still useful to the manager: the last four.
      expect(seen.join('\n')).toContain('*******5678');
      // The upload record, as the worker builds it (from the rating event the outbox row points at).
      const outbox = new OutboxStore(h.hub.db).byRatingId(rated.body.rating.id)!.payload;
      expect(outbox).toContain('5678');
      expect(outbox).not.toContain(phone);
    } finally {
      socket.close();
      await h.dispose();
    }
  });
});

describe('the applicant of the 好差评 record (issue #12)', () => {
  it('is never in clear in the database, its WAL or a backup: while records wait through an outage and a restart, and after they are delivered once, in order', async () => {
    const { MockUpstream } = await import('../mock-platform/mock-upstream.ts');
    const { genericCheck, genericHall } = await import('../support/generic-upstream.ts');
    const { UPSTREAM_SECRET } = await import('../support/test-config.ts');
    const mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, check: genericCheck, mode: 'fail' });
    const config = genericHall(mock.url);
    const people = [
      { name: '诸葛孔明', id: withCheckDigit('51010219810101123') },
      { name: '赵子龙', id: withCheckDigit('13010219820202234') },
      { name: '黄汉升', id: withCheckDigit('42010219830303345') },
    ];
    const secrets = people.flatMap((p) => [p.id, p.id.slice(0, 17), p.name]);
    const grep = (dir: string, what: string, walToo = true) => {
      const files = readdirSync(dir).map((f) => join(dir, f));
      // A running hub writes through its WAL: that file is searched too (a clean stop folds it in).
      if (walToo) expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
      for (const f of files) {
        const bytes = readFileSync(f);
        for (const s of secrets) expect(bytes.includes(Buffer.from(s, 'utf8')), `${what}: ${f} holds "${s.slice(0, 2)}…" in clear`).toBe(false);
      }
    };
    let h = await startHub({ config });
    try {
      const clerk = await openWindow(h.url, 1);
      const keys: string[] = [];
      for (const [i, p] of [...people, ...people].entries()) {
        const card = i < 3 ? (await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: p.name, idNumber: p.id } })).body.card.cardToken : undefined;
        await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', ...(card ? { cardToken: card } : {}) } });
        await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
        // The second round names the applicant from the business system instead of the card.
        const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo: `PII-${i}`, itemCode: 'I-1', ...(card ? {} : { applicant: { type: 'person', name: p.name, idNumber: p.id } }) } });
        keys.push((await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: done.body.serviceId, level: 5 } })).body.rating.id);
      }
      await expect.poll(() => mock.stats().failed, { timeout: 5000 }).toBeGreaterThan(0);
      grep(h.dir, 'waiting');
      await h.hub.db.backup(join(h.dir, 'backup.db'));
      grep(h.dir, 'backup while waiting');
      await h.stop();
      grep(h.dir, 'stopped with records waiting', false);
      h = await startHub({ config, dir: h.dir });
      mock.fail('ok');
      await expect.poll(() => mock.received().length, { timeout: 15_000 }).toBe(6);
      expect(mock.received().map((r) => r.ratingId)).toEqual(keys);
      expect(mock.received().map((r) => (r.body as { zjhm: string }).zjhm)).toEqual([...people, ...people].map((p) => p.id));
      await expect.poll(() => h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE applicant IS NOT NULL').get(), { timeout: 5000 }).toEqual({ n: 0 });
      grep(h.dir, 'delivered');
    } finally {
      await h.dispose();
      await mock.close();
    }
  }, 60_000);
});
