import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/open-db.ts';
import { HistoryReader } from '../../src/store/history.ts';

describe('the follow-up archive, page by page', () => {
  it('gives every follow-up once, newest deadline first (ties by id), whatever the page size', () => {
    const db = openDb(':memory:');
    const put = db.prepare('INSERT INTO followups (id, status, deadline, data) VALUES (?, ?, ?, ?)');
    const ids: { id: string; deadline: string }[] = [];
    for (let i = 0; i < 237; i++) {
      const id = `f${String((i * 7919) % 1000).padStart(4, '0')}`;
      const deadline = `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
      ids.push({ id, deadline });
      put.run(id, i % 3 ? 'closed' : 'open', deadline, JSON.stringify({ id, serviceId: `s${i}`, status: 'closed' }));
    }
    const expected = ids.sort((a, b) => (a.deadline === b.deadline ? (a.id < b.id ? -1 : 1) : a.deadline < b.deadline ? 1 : -1)).map((x) => x.id);
    const reader = new HistoryReader(db);
    for (const size of [1, 10, 50, 236, 500]) {
      const got: string[] = [];
      for (let page = 1; ; page++) {
        const r = reader.followups(page, size);
        expect(r.total).toBe(237);
        if (r.items.length === 0) break;
        got.push(...r.items.map((f) => f.id));
      }
      expect(got).toEqual(expected);
    }
    db.close();
  });
});
