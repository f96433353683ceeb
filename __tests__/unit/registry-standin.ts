/**
 * A small OCI registry in the test process, over real sockets: manifests, blobs, uploads (POST,
 * PATCH, PUT, cross-repository mounts), paged tag lists and, when asked, the OCI 1.1 referrers API
 * (a manifest PUT with a subject is answered with OCI-Subject). Distribution 2.8, the registry of
 * the integration tests, has no referrers API: this stand-in is where that form is tested. A
 * `fault` hook can cut a connection or answer with an error instead.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

/** `reset` cuts the connection at once, `truncate` after half a blob's body; a number answers with that status. */
export type Fault = 'reset' | 'truncate' | number | undefined;

export interface StandinOptions {
  referrersApi?: boolean;
  /** Tags per page of tags/list (with a Link header to the next). */
  pageSize?: number;
  /** Asked for every request before it is served. */
  fault?: (method: string, path: string) => Fault;
}

interface Repository {
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  blobs: Map<string, Buffer>;
}

const digestOf = (b: Buffer): string => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

/** A response that sends half of its body, then cuts the connection. */
function truncating(res: http.ServerResponse): http.ServerResponse {
  const end = res.end.bind(res);
  res.end = ((body?: Buffer) => {
    if (!Buffer.isBuffer(body)) return end();
    res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    return res;
  }) as typeof res.end;
  return res;
}

export class RegistryStandin {
  readonly repos = new Map<string, Repository>();
  /** `METHOD path` of every request, with the Content-Length a body came with. */
  readonly seen: string[] = [];
  host = '';
  private readonly uploads = new Map<string, Buffer[]>();
  private server?: http.Server;

  constructor(private readonly o: StandinOptions = {}) {}

  static async start(o: StandinOptions = {}): Promise<RegistryStandin> {
    const s = new RegistryStandin(o);
    s.server = http.createServer((req, res) => void s.handle(req, res));
    await new Promise<void>(r => s.server?.listen(0, '127.0.0.1', r));
    s.host = `127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise(r => this.server?.close(() => r()));
  }

  repo(name: string): Repository {
    if (!this.repos.has(name)) this.repos.set(name, { manifests: new Map(), blobs: new Map() });
    return this.repos.get(name) as Repository;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const length = req.headers['content-length'];
    this.seen.push(`${req.method} ${url.pathname}${Number(length) > 0 ? ` (${length} bytes)` : ''}`);
    const fault = this.o.fault?.(req.method ?? '', url.pathname);
    if (fault === 'reset') return void req.socket.destroy();
    if (typeof fault === 'number') return void res.writeHead(fault).end();
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the client gave up on the request (an upload whose source broke off)
    }
    this.route(req.method ?? '', url, Buffer.concat(chunks), req.headers, fault === 'truncate' ? truncating(res) : res);
  }

  private route(method: string, url: URL, body: Buffer, headers: http.IncomingHttpHeaders, res: http.ServerResponse): void {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (p === '/v2/') return void res.writeHead(200).end('{}');
    if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p))) return this.manifest(method, m[1], m[2], body, headers, res);
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(p)) && method === 'POST') return this.startUpload(m[1], url, res);
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([\w-]+)$/.exec(p))) return this.upload(method, m[1], m[2], url, body, res);
    if ((m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(p))) return this.blob(method, m[1], m[2], res);
    if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(p))) return this.tags(m[1], url, res);
    if ((m = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/.exec(p)) && this.o.referrersApi) return this.referrers(m[1], m[2], res);
    res.writeHead(404).end('404 page not found');
  }

  private manifest(method: string, name: string, ref: string, body: Buffer, h: http.IncomingHttpHeaders, res: http.ServerResponse): void {
    const repo = this.repo(name);
    if (method === 'PUT') {
      const stored = { bytes: body, mediaType: String(h['content-type']) };
      repo.manifests.set(ref, stored);
      repo.manifests.set(digestOf(body), stored);
      const subject = (JSON.parse(body.toString()) as { subject?: { digest: string } }).subject;
      const extra = subject && this.o.referrersApi ? { 'OCI-Subject': subject.digest } : {};
      return void res.writeHead(201, { 'Docker-Content-Digest': digestOf(body), ...extra }).end();
    }
    const found = repo.manifests.get(ref);
    if (!found) return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    res.writeHead(200, { 'Content-Type': found.mediaType, 'Docker-Content-Digest': digestOf(found.bytes) });
    res.end(method === 'HEAD' ? undefined : found.bytes);
  }

  private startUpload(name: string, url: URL, res: http.ServerResponse): void {
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    const blob = mount && from ? this.repos.get(from)?.blobs.get(mount) : undefined;
    if (mount && blob) {
      this.repo(name).blobs.set(mount, blob);
      return void res.writeHead(201, { Location: `/v2/${name}/blobs/${mount}` }).end();
    }
    const id = crypto.randomUUID();
    this.uploads.set(id, []);
    res.writeHead(202, { Location: `/v2/${name}/blobs/uploads/${id}` }).end();
  }

  private upload(method: string, name: string, id: string, url: URL, body: Buffer, res: http.ServerResponse): void {
    const parts = this.uploads.get(id);
    if (!parts) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}');
    parts.push(body);
    if (method === 'PATCH') return void res.writeHead(202, { Location: `/v2/${name}/blobs/uploads/${id}` }).end();
    const bytes = Buffer.concat(parts);
    this.uploads.delete(id);
    if (method !== 'PUT') return void res.writeHead(204).end();
    if (digestOf(bytes) !== url.searchParams.get('digest')) return void res.writeHead(400).end('{"errors":[{"code":"DIGEST_INVALID"}]}');
    this.repo(name).blobs.set(digestOf(bytes), bytes);
    res.writeHead(201).end();
  }

  private blob(method: string, name: string, digest: string, res: http.ServerResponse): void {
    const b = this.repos.get(name)?.blobs.get(digest);
    if (!b) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    res.writeHead(200, { 'Content-Length': b.length }).end(method === 'HEAD' ? undefined : b);
  }

  private tags(name: string, url: URL, res: http.ServerResponse): void {
    const repo = this.repos.get(name);
    if (!repo) return void res.writeHead(404).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const all = [...repo.manifests.keys()].filter(k => !k.startsWith('sha256:')).sort();
    const last = url.searchParams.get('last');
    const from = last ? all.indexOf(last) + 1 : 0;
    const size = this.o.pageSize ?? all.length;
    const page = all.slice(from, from + size);
    const more = from + size < all.length ? { Link: `</v2/${name}/tags/list?n=${size}&last=${page[page.length - 1]}>; rel="next"` } : {};
    res.writeHead(200, { 'Content-Type': 'application/json', ...more }).end(JSON.stringify({ name, tags: page }));
  }

  private referrers(name: string, digest: string, res: http.ServerResponse): void {
    const manifests = [...(this.repos.get(name)?.manifests ?? new Map<string, { bytes: Buffer; mediaType: string }>())]
      .filter(([ref]) => ref.startsWith('sha256:'))
      .flatMap(([ref, m]) => {
        const json = JSON.parse(m.bytes.toString()) as {
          subject?: { digest: string };
          artifactType?: string;
          config?: { mediaType: string };
        };
        if (json.subject?.digest !== digest) return [];
        return [{ mediaType: m.mediaType, digest: ref, size: m.bytes.length, artifactType: json.artifactType ?? json.config?.mediaType }];
      });
    res
      .writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' })
      .end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  }
}
