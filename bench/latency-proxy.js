/**
 * Latency proxy for benchmarks: forwards HTTP to a registry on this machine, adding a delay before
 * each request goes upstream and before each response comes back, so round trips and how they are
 * sequenced dominate, as against a remote registry. All traffic stays on 127.0.0.1.
 */
'use strict';
const http = require('http');

const elapsedMs = start => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * `delayMs` before forwarding each request to `registry` ({host, port}) and before returning each
 * response, bodies streamed. Host passes through unchanged, so the registry's upload Locations
 * name the proxy. Connections that never send an HTTP request (a TLS handshake attempt) count
 * apart; requests are also counted by User-Agent (Node's fetch sends `node`).
 */
function startProxy(registry, delayMs) {
  const stats = { requests: 0, rejected: 0, byAgent: {} };
  const t0 = process.hrtime.bigint();
  const server = http.createServer((req, res) => {
    stats.requests++;
    const agent = req.headers['user-agent'] || '';
    stats.byAgent[agent] = (stats.byAgent[agent] || 0) + 1;
    if (process.env.BENCH_TRACE) console.error(`  proxy ${elapsedMs(t0).toFixed(0).padStart(7)} ms  ${req.method} ${req.url}`);
    setTimeout(() => {
      const up = http.request({ ...registry, method: req.method, path: req.url, headers: req.headers }, upRes => {
        setTimeout(() => {
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
        }, delayMs);
      });
      up.on('error', e => (res.headersSent ? res.destroy() : res.writeHead(502).end(String(e))));
      req.pipe(up);
    }, delayMs);
  });
  server.on('clientError', (err, socket) => {
    stats.rejected++;
    socket.destroy();
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve({ server, stats, host: `127.0.0.1:${server.address().port}` }))
  );
}

module.exports = { startProxy };
