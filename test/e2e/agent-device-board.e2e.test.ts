import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startAgent } from '../support/agent-process.ts';
import { call } from '../support/http.ts';
import { SimulatedPrinter } from '../../devices/printer/index.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { hasTool } from '../support/require-tool.ts';
import { TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Issue #14 acceptance: the kiosk's printer, run by a device agent (its own process, the printer a
 * simulated one on a socat pty), runs out of paper, and the manager's dashboard and the guide desk's
 * screen show it within 2 s, with the agent named as the printer's host.
 */
const children: ChildProcess[] = [];
const procs: HubProcess[] = [];
let far: SerialPort | null = null;
let browser: Browser | null = null;
const root = mkdtempSync(join(tmpdir(), 'hallq-agent-e2e-'));
afterAll(async () => {
  await browser?.close();
  for (const c of children) c.kill('SIGKILL');
  for (const p of procs) await p.kill('SIGKILL');
  if (far?.isOpen) await new Promise((r) => far!.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!hasTool(CHROMIUM, ['--version']) || !hasTool('socat'))('the health board with a printer on an agent, in Chromium', () => {
  it('shows the agent’s printer out of paper on the manager’s and the guide’s screens within 2 s', { timeout: 120_000 }, async () => {
    const ttyA = join(root, 'ttyA');
    const ttyB = join(root, 'ttyB');
    children.push(spawn('socat', [`pty,raw,echo=0,link=${ttyA}`, `pty,raw,echo=0,link=${ttyB}`], { stdio: 'ignore' }));
    for (let i = 0; i < 200 && !(existsSync(ttyA) && existsSync(ttyB)); i++) await new Promise((r) => setTimeout(r, 20));
    const sim = new SimulatedPrinter();
    far = new SerialPort({ path: ttyB, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => far!.open((e) => (e ? reject(e) : resolve())));
    far.on('data', sim.attach((b) => far!.write(b)));

    const configFile = join(root, 'hall.yaml');
    const base = testConfig();
    writeFileSync(configFile, stringify({ ...base, devices: { ...base.devices, printers: [{ kioskId: 'kiosk-1', uri: `serial:${ttyA}?baud=9600`, paperMm: 80, agent: true }] } }));
    const hub = await spawnHub({ dataDir: join(root, 'data'), configFile });
    procs.push(hub);
    const manager = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;
    const agent = startAgent(hub.url, join(root, 'agent'), children);
    const code = (await agent.waitFor(/配对码 (\d{6})/))[1]!;
    const id = (await call(hub.url, 'GET', '/agents', manager)).body.agents[0].id as string;
    expect((await call(hub.url, 'POST', `/agents/${id}/approve`, manager, { code, name: '自助机1', devices: ['printer:kiosk-1'] })).status).toBe(200);

    browser = await launchBrowser();
    mkdirSync('test-output/screenshots', { recursive: true });
    const signIn = async (path: string, jobNo: string): Promise<Page> => {
      const page = await browser!.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(`${hub.url}${path}`);
      await page.fill('input[name=jobNo]', jobNo);
      await page.fill('input[name=password]', TEST_PASSWORD);
      await page.click('[data-test=login]');
      return page;
    };
    const managerPage = await signIn('/display/manager.html', 'm1');
    const guidePage = await signIn('/display/console.html', 'g1');
    // The agent has linked and told the hub its printer is well: the board names it as the host.
    await managerPage.waitForFunction(() => document.querySelector('[data-test="device-printer:kiosk-1"]')?.textContent?.includes('自助机1') && document.querySelector('[data-test="device-paper-printer:kiosk-1"]')?.textContent === '纸量正常', undefined, { timeout: 30_000 });
    await guidePage.waitForSelector('[data-test=devices-all-well]');

    const started = Date.now();
    sim.paperOut();
    await Promise.all([
      managerPage.waitForFunction(() => document.querySelector('[data-test="device-paper-printer:kiosk-1"]')?.textContent === '缺纸', undefined, { timeout: 2_000 }),
      guidePage.waitForSelector('[data-test="device-alert-printer:kiosk-1"]', { timeout: 2_000 }),
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await guidePage.textContent('[data-test="device-alert-printer:kiosk-1"]')).toContain('号票打印机缺纸');
    await managerPage.screenshot({ path: 'test-output/screenshots/device-board-agent-paper-out.png', fullPage: true });
  });
});
