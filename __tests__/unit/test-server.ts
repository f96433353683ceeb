/** A stand-in server for unit tests (registries, APIs): it that records every request, with its full body, before answering. */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: Seen, res: http.ServerResponse) => void;

export interface TestServer {
  host: string;
  seen: Seen[];
  close: () => Promise<void>;
}

/** Listens on `address` (default 127.0.0.1) at a free port. */
export async function serve(handler: Handler, address = '127.0.0.1'): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>(r => server.listen(0, address, r));
  return {
    host: `${address}:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>(r => server.close(() => r()))
  };
}
