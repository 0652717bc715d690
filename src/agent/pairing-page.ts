import { createServer, type Server } from 'node:http';

/**
 * The local page of an agent waiting to be paired (http://127.0.0.1:<port>/): the code to read out to
 * the manager, large, on the PC's own screen. Only on the loopback: nothing on the LAN sees it.
 */
export function servePairingPage(port: number, state: () => { code: string | null; status: string; hub: string }): Promise<Server & { port: number }> {
  const server = createServer((_req, res) => {
    const s = state();
    const esc = (t: string) => t.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>hallq 设备代理配对</title>
<body style="font-family:sans-serif;text-align:center;margin-top:10vh">
<h1>hallq 设备代理 · Device agent</h1>
<p>请将配对码告诉大厅管理人员，在 hub 上批准本机 · Give this code to the hall manager to approve this PC</p>
<p id="code" style="font-size:20vh;letter-spacing:.1em;margin:0">${esc(s.code ?? '……')}</p>
<p id="status">${esc(s.status)} · hub ${esc(s.hub)}</p></body></html>`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve(Object.assign(server, { port: typeof addr === 'object' && addr ? addr.port : port }));
    });
  });
}
