import { afterEach, describe, expect, it } from 'vitest';
import { api, login, startHub, type RunningHub } from '../support/hub.ts';
import { RecordingClient } from '../support/socket-client.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

/**
 * A ticket its agent could not print, or is not sure it printed (issue #14 §1): the kiosk is told,
 * the guide desk gets it on its list, and its reprint goes to the agent as a new command and takes it
 * off the list. The agent here is the test itself, speaking the agent's HTTP and socket.io calls.
 */
let running: RunningHub | null = null;
const clients: RecordingClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.dispose();
  running = null;
});

describe('a print the agent is not sure of', () => {
  it('goes to the guide desk, whose reprint is a new command to the agent and settles it', { timeout: 60_000 }, async () => {
    const base = testConfig({ simReader: false });
    running = await startHub({ config: { ...base, devices: { ...base.devices, printers: [{ kioskId: 'kiosk-1', uri: 'serial:/dev/ttyUSB0', paperMm: 80, agent: true }] } } });
    const { url } = running;
    const manager = await login(url, 'm1');
    const guide = await login(url, 'g1');

    // Pair an agent for the kiosk's printer, as `npm run agent` does.
    const agentId = 'ag-test-agent-01';
    const secret = 's'.repeat(40);
    const asked = await api(url, 'POST', '/agents/pair', { body: { agentId, secret, hostname: 'kiosk-pc' } });
    expect((await api(url, 'POST', `/agents/${agentId}/approve`, { token: manager, body: { code: asked.body.code, name: '自助机1', devices: ['printer:kiosk-1'] } })).status).toBe(200);
    const token = (await api(url, 'POST', '/agents/pair/collect', { body: { agentId, secret } })).body.token as string;
    const agent = await RecordingClient.connect(url, { token, rooms: [`agent:${agentId}`] });
    const guideSocket = await RecordingClient.connect(url, { token: guide });
    const kiosk = await RecordingClient.connect(url, { token: KIOSK });
    clients.push(agent, guideSocket, kiosk);

    const ticket = (await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket;
    const first = await agent.waitForEvent('agent.command', (c) => c.ticketId === ticket.id);
    expect(first).toMatchObject({ kind: 'print', device: 'printer:kiosk-1', number: 'A001' });
    expect(Buffer.from(first.bytes, 'base64').length).toBeGreaterThan(100);

    // The agent died mid-print and says so: the kiosk hears the ticket did not print, the guide desk gets it.
    expect((await api(url, 'POST', `/agents/self/commands/${first.id}`, { token, body: { outcome: 'uncertain' } })).body).toEqual({ id: first.id, outcome: 'uncertain' });
    await kiosk.waitForEvent('print.job', (j) => j.ticketId === ticket.id && j.state === 'failed' && j.event === 'uncertain');
    const attention = await guideSocket.waitForEvent('print.attention', (m) => m.ticketId === ticket.id);
    expect(attention).toMatchObject({ number: 'A001', kioskId: 'kiosk-1', outcome: 'uncertain', handled: false });
    expect((await api(url, 'GET', '/devices/reprints', { token: guide })).body.tickets).toEqual([attention]);
    // A repeated report changes nothing and tells no one again.
    expect((await api(url, 'POST', `/agents/self/commands/${first.id}`, { token, body: { outcome: 'printed' } })).body).toEqual({ id: first.id, outcome: 'uncertain' });
    expect(guideSocket.of('print.attention')).toHaveLength(1);
    expect((await api(url, 'GET', '/devices/reprints', { token: KIOSK })).status).toBe(403);

    // The guide desk reprints: a new command to the agent, and the list is settled.
    const again = await api(url, 'POST', `/tickets/${ticket.id}/print`, { token: guide });
    expect(again.status).toBe(200);
    const second = await agent.waitForEvent('agent.command', (c) => c.ticketId === ticket.id && c.id !== first.id);
    await guideSocket.waitForEvent('print.attention', (m) => m.ticketId === ticket.id && m.handled === true);
    expect((await api(url, 'GET', '/devices/reprints', { token: guide })).body.tickets).toEqual([]);
    expect((await api(url, 'POST', `/agents/self/commands/${second.id}`, { token, body: { outcome: 'printed' } })).body.outcome).toBe('printed');
    await kiosk.waitForEvent('print.job', (j) => j.jobId === second.id && j.state === 'printed');
  });
});

describe('a ticket the hub committed but died before it could send to the printer', () => {
  it('is on the guide desk’s list after the restart, not printed late', { timeout: 60_000 }, async () => {
    const base = testConfig({ simReader: false });
    const config = { ...base, devices: { ...base.devices, printers: [{ kioskId: 'kiosk-1', uri: 'serial:/dev/ttyUSB0', paperMm: 80 as const, agent: true }] } };
    running = await startHub({ config });
    const { url, dir } = running;
    const a001 = (await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket;
    const a002 = (await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket;
    // The crash between A002's commit and its command, as the file would be left.
    running.hub.db.prepare(`DELETE FROM agent_commands WHERE json_extract(payload, '$.ticketId') = ?`).run(a002.id);
    await running.stop();
    running = await startHub({ config, dir });
    const guide = await login(running.url, 'g1');
    const list = (await api(running.url, 'GET', '/devices/reprints', { token: guide })).body.tickets;
    expect(list).toEqual([expect.objectContaining({ ticketId: a002.id, number: 'A002', kioskId: 'kiosk-1', outcome: 'failed', handled: false })]);
    expect(list.some((t: { ticketId: string }) => t.ticketId === a001.id)).toBe(false);
  });
});
