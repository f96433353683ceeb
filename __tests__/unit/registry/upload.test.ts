/** A streamed request body over node:http: the answer, a refusal before the body is all sent, a broken connection, a failing source. */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import { sendStream } from '../../../src/registry/upload';

async function server(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v2/a/blobs/uploads/1`,
    close: () => {
      s.closeAllConnections();
      return new Promise(r => s.close(() => r()));
    }
  };
}

const chunks = (n: number, size = 64 * 1024) => Readable.from(Array.from({ length: n }, () => Buffer.alloc(size, 7)));

test('the body goes out whole; the answer comes back with its Location', async () => {
  let received = 0;
  const s = await server((req, res) => {
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('end', () => res.writeHead(202, { Location: '/v2/a/blobs/uploads/2' }).end());
  });
  try {
    expect(await sendStream('PATCH', s.url, { 'Content-Length': String(10 * 64 * 1024) }, chunks(10))).toEqual({
      status: 202,
      location: '/v2/a/blobs/uploads/2',
      body: ''
    });
    expect(received).toBe(10 * 64 * 1024);
  } finally {
    await s.close();
  }
});

test('a refusal answered before the body is all sent is returned, with its error document', async () => {
  const s = await server((_req, res) => res.writeHead(401, { Connection: 'close' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}'));
  try {
    const answer = await sendStream('PATCH', s.url, {}, chunks(200));
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('UNAUTHORIZED');
  } finally {
    await s.close();
  }
});

test('a connection cut mid-body rejects', async () => {
  const s = await server(req => req.once('data', () => req.socket.destroy()));
  try {
    await expect(sendStream('PATCH', s.url, {}, chunks(200))).rejects.toThrow();
  } finally {
    await s.close();
  }
});

test('a source that fails mid-stream rejects, and the request is abandoned', async () => {
  const s = await server((req, res) => req.on('end', () => res.writeHead(202).end()));
  const failing = new Readable({
    read() {
      this.destroy(new Error('source broke off'));
    }
  });
  try {
    await expect(sendStream('PATCH', s.url, {}, failing)).rejects.toThrow('source broke off');
  } finally {
    await s.close();
  }
});
