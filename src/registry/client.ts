/**
 * Layer `registry`: talking to OCI registries. This module is the distribution API client: manifests and blobs, the Bearer challenge flow (one token
 * per repository scope, cached until it expires), Basic auth, retries with capped backoff that
 * honour Retry-After, and redirects that never carry Authorization to another host.
 */
import * as core from '@actions/core';
import { Readable } from 'stream';
import * as net from 'net';
import { sha256Digest } from '../oci/digest';
import { Descriptor, MEDIA_TYPES, Manifest } from '../oci/manifest';
import { Repo, apiHost } from '../oci/reference';
import { Credential, CredentialSource } from './credentials';
import { BlobCopy, BlobStream, ByteCounter, Registry } from './registry';
import { sendStream } from './upload';

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

export class RegistryError extends Error {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly status: number | undefined,
    detail: string
  ) {
    super(`registry ${registry}, repository ${repository}: ${status ? `HTTP ${status}: ` : ''}${detail}`);
    this.name = 'RegistryError';
  }
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** The longest Retry-After honoured; a server asking for more fails the request at once. */
  maxRetryAfterMs: number;
}

export interface RegistryClientOptions {
  credentials?: CredentialSource;
  retry?: Partial<RetryPolicy>;
  /** Hosts marked `http = true` that may be reached over plain HTTP (loopback always may). */
  plainHttpHosts?: string[];
  sleep?: (ms: number) => Promise<void>;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Delay before the next attempt: the server's Retry-After (seconds or an HTTP date) when it sent
 * one, else capped exponential backoff. -1 when Retry-After exceeds what the policy waits.
 */
export function retryDelay(attempt: number, retryAfter: string | null, policy: RetryPolicy, now = Date.now()): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return ms > policy.maxRetryAfterMs ? -1 : Math.max(ms, 0);
  }
  return Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
}

/**
 * How a TLS hello sent to a plain-HTTP server fails: an HTTP answer where TLS was expected, or
 * the connection dropped. Only these mean "use http" (a refused connection or a bad certificate
 * does not).
 */
const NO_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ECONNRESET']);

/** `Bearer realm="...",service="...",scope="..."` → scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/s.exec(header.trim());
  const params: Record<string, string> = {};
  if (!m) return { scheme: '', params };
  for (const p of m[2].matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return { scheme: m[1].toLowerCase(), params };
}

/** Whether a URL is on `host` (as written, e.g. reg:443, which a URL writes as reg). */
function isHost(url: URL, host: string): boolean {
  return url.host === new URL(`${url.protocol}//${host}`).host;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || (net.isIPv4(h) && h.startsWith('127.')) || h === '[::1]';
}

interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer;
  push?: boolean;
  allow404?: boolean;
  /** A mount also needs pull on its source repository. */
  alsoPull?: Repo;
  /** Sends before giving up on network errors and 408/429/5xx (default: the policy's). */
  attempts?: number;
}

interface CachedAuth {
  header: string;
  expires: number;
}

export class RegistryClient implements Registry {
  /** HTTP requests sent (including token requests and retries), for benchmarks and tests. */
  requests = 0;
  private readonly policy: RetryPolicy;
  private readonly auth = new Map<string, CachedAuth>();
  private readonly pendingAuth = new Map<string, Promise<void>>();
  private readonly schemes = new Map<string, Promise<string>>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.policy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000, ...options.retry };
    this.sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
  }

  async getManifest(repo: Repo, reference: string): Promise<Manifest> {
    const m = await this.findManifest(repo, reference);
    if (!m) throw new RegistryError(repo.registry, repo.repository, 404, `manifest ${reference} not found`);
    return m;
  }

  async findManifest(repo: Repo, reference: string): Promise<Manifest | undefined> {
    const res = await this.request(repo, 'GET', `manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, allow404: true });
    if (res.status === 404) {
      await drain(res);
      return undefined;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    const claimed = res.headers.get('docker-content-digest');
    const fail = (detail: string): RegistryError => new RegistryError(repo.registry, repo.repository, res.status, detail);
    if (reference.startsWith('sha256:') && digest !== reference) throw fail(`manifest ${reference} arrived with digest ${digest}`);
    if (claimed && claimed !== digest) throw fail(`Docker-Content-Digest ${claimed} does not match the body (${digest})`);
    const json = JSON.parse(bytes.toString('utf8')) as Manifest['json'];
    const mediaType = json.mediaType ?? res.headers.get('content-type') ?? '';
    return { mediaType, digest, bytes, json };
  }

  /** True when the manifest exists (HEAD answers 2xx), false on 404; any other answer throws. */
  async hasManifest(repo: Repo, reference: string): Promise<boolean> {
    const res = await this.request(repo, 'HEAD', `manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, allow404: true });
    return res.ok;
  }

  async getBlob(repo: Repo, digest: string): Promise<Buffer> {
    const res = await this.request(repo, 'GET', `blobs/${digest}`, {});
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(bytes) !== digest)
      throw new RegistryError(repo.registry, repo.repository, res.status, `blob ${digest} failed verification`);
    return bytes;
  }

  /**
   * A blob's body as it arrives, with the same authentication, retries and redirect rules as
   * getBlob. Unlike getBlob it neither buffers the blob nor checks it against its digest: callers
   * (the layer content check) read a few headers and cancel the stream early, so the whole blob is
   * never there to hash, and a multi-gigabyte layer must not be held in memory. Treat the bytes as
   * unverified. The caller must consume or cancel the stream, or the connection stays open.
   */
  async openBlob(repo: Repo, digest: string): Promise<BlobStream> {
    return this.openBlobBody(repo, digest);
  }

  /** True when the repository holds the blob (HEAD answers 2xx), false on 404. */
  async hasBlob(repo: Repo, digest: string): Promise<boolean> {
    const res = await this.request(repo, 'HEAD', `blobs/${digest}`, { allow404: true });
    return res.ok;
  }

  /** Every tag, following the `Link: <…>; rel="next"` pages; none when the repository does not exist. */
  async listTags(repo: Repo): Promise<string[]> {
    const pages = await this.readPages<{ tags?: string[] | null }>(repo, 'tags/list', {});
    return pages.flatMap(p => p.tags ?? []);
  }

  /**
   * The referrers API's list (every page), or undefined when the registry has no such API: it
   * answers 404 (distribution 2.8), or with something that is no image index.
   */
  async listReferrers(repo: Repo, digest: string): Promise<Descriptor[] | undefined> {
    const isIndex = (res: Response): boolean => (res.headers.get('content-type') ?? '').startsWith(MEDIA_TYPES.ociIndex);
    const pages = await this.readPages<{ manifests?: Descriptor[] }>(
      repo,
      `referrers/${digest}`,
      { Accept: MEDIA_TYPES.ociIndex },
      isIndex
    );
    return pages.length === 0 ? undefined : pages.flatMap(p => p.manifests ?? []);
  }

  /**
   * Makes a blob of `from` available in `to`: present, mounted (same registry: the registry may
   * decline and open an upload instead), or streamed: the source's GET body piped into the
   * upload's PATCH, with retries that start over from a fresh upload and a re-opened source.
   */
  async copyBlob(
    from: Repo,
    to: Repo,
    blob: Pick<Descriptor, 'digest' | 'size'>,
    counter: ByteCounter = () => undefined
  ): Promise<BlobCopy> {
    if (await this.hasBlob(to, blob.digest)) return 'present';
    let session: string | undefined;
    if (from.registry === to.registry) {
      session = await this.startUpload(to, { from, digest: blob.digest });
      if (session === 'mounted') return 'mounted';
    }
    await this.streamWithRetries(from, to, blob, counter, session);
    return 'uploaded';
  }

  /**
   * Streams the blob, each failed attempt starting over: a fresh upload session (the first one
   * may be given), the source opened again, and the bytes it counted taken back.
   */
  private async streamWithRetries(
    from: Repo,
    to: Repo,
    blob: Pick<Descriptor, 'digest' | 'size'>,
    counter: ByteCounter,
    firstSession?: string
  ): Promise<void> {
    let session = firstSession;
    for (let attempt = 0; ; attempt++) {
      let sent = 0;
      const count: ByteCounter = n => {
        sent += n;
        counter(n);
      };
      try {
        return await this.streamBlob(from, to, blob, count, session ?? (await this.startUpload(to)));
      } catch (e) {
        counter(-sent);
        // A 401 here is a token that expired during the copy: the next attempt's POST renews it.
        const again = isTransient(e) || (e instanceof RegistryError && e.status === 401);
        if (!again || attempt + 1 >= this.policy.attempts) throw e;
        await this.sleep(retryDelay(attempt, null, this.policy));
        // The last attempt may have landed after all (its answer was lost).
        if (await this.hasBlob(to, blob.digest)) return;
        session = undefined;
      }
    }
  }

  /** A monolithic upload (small blobs: signatures, bundles): a session, then one PUT of the bytes with their digest. */
  async putBlob(repo: Repo, bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    const target = new URL(await this.startUpload(repo));
    target.searchParams.set('digest', digest);
    const put = await this.request(repo, 'PUT', target.toString(), {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
      push: true
    });
    await drain(put);
    return digest;
  }

  async checkPushAccess(repo: Repo): Promise<void> {
    const res = await this.request(repo, 'POST', 'blobs/uploads/', { push: true });
    await drain(res);
    const location = res.headers.get('location');
    // Best effort: an abandoned upload session expires on its own.
    if (!location) return;
    const session = new URL(location, await this.baseUrl(apiHost(repo.registry))).toString();
    await this.request(repo, 'DELETE', session, { push: true, allow404: true }).then(drain, () => undefined);
  }

  /** PUTs exact manifest bytes under a tag or digest and verifies the digest the registry reports. */
  async putManifest(repo: Repo, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.sendManifest(repo, reference, bytes, mediaType);
    await drain(res);
    return sha256Digest(bytes);
  }

  /** PUTs a manifest with a subject by digest; `OCI-Subject` in the answer says the registry indexed it. */
  async putReferrer(repo: Repo, m: Pick<Manifest, 'bytes' | 'digest' | 'mediaType'>): Promise<boolean> {
    const res = await this.sendManifest(repo, m.digest, m.bytes, m.mediaType);
    await drain(res);
    return res.headers.has('oci-subject');
  }

  private async sendManifest(repo: Repo, reference: string, bytes: Buffer, mediaType: string): Promise<Response> {
    const digest = sha256Digest(bytes);
    const res = await this.request(repo, 'PUT', `manifests/${reference}`, {
      headers: { 'Content-Type': mediaType },
      body: bytes,
      push: true
    });
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest) {
      await drain(res);
      throw new RegistryError(
        repo.registry,
        repo.repository,
        res.status,
        `registry stored ${reference} as ${reported}, expected ${digest}`
      );
    }
    return res;
  }

  /** The body of a blob's GET (authenticated, retried, redirects followed), not yet read. */
  private async openBlobBody(repo: Repo, digest: string): Promise<ReadableStream<Uint8Array>> {
    const res = await this.request(repo, 'GET', `blobs/${digest}`, {});
    return res.body ?? new ReadableStream<Uint8Array>({ start: controller => controller.close() });
  }

  /**
   * POSTs a new upload session: with `mount`, a cross-repository mount first ('mounted' when the
   * registry did it). Returns the session's URL.
   */
  private async startUpload(to: Repo, mount?: { from: Repo; digest: string }): Promise<string> {
    const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from.repository)}` : '';
    const res = await this.request(to, 'POST', `blobs/uploads/${query}`, { push: true, alsoPull: mount?.from });
    await drain(res);
    if (mount && res.status === 201) return 'mounted';
    const location = res.headers.get('location');
    if (!location) throw new RegistryError(to.registry, to.repository, res.status, 'an upload started without a Location');
    return new URL(location, await this.baseUrl(apiHost(to.registry))).toString();
  }

  /**
   * One attempt of a streamed upload: the source's body goes out as one PATCH (the size known, so
   * with a Content-Length), then a PUT with the digest closes the session. Neither is retried
   * here: a stream half sent cannot be sent again to the same session. The PATCH goes through
   * node:http (upload.ts), which keeps memory flat however large the layer.
   */
  private async streamBlob(
    from: Repo,
    to: Repo,
    blob: Pick<Descriptor, 'digest' | 'size'>,
    count: ByteCounter,
    session: string
  ): Promise<void> {
    const host = apiHost(to.registry);
    const url = await this.requestUrl(host, to.repository, session);
    const body = Readable.fromWeb(counted(await this.openBlobBody(from, blob.digest), count));
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) };
    const auth = this.authorization(host, requestScope(to.repository, { push: true }), url);
    this.requests++;
    const fail = (status: number | undefined, detail: string): RegistryError =>
      new RegistryError(to.registry, to.repository, status, `PATCH ${session}: ${detail}`);
    const patched = await sendStream('PATCH', url, { ...headers, ...auth }, body).catch((e: unknown) => {
      throw fail(undefined, describeNetworkError(e));
    });
    if (patched.status < 200 || patched.status >= 300) throw fail(patched.status, summarizeErrorBody(patched.body));
    const done = new URL(patched.location ?? url, url);
    done.searchParams.set('digest', blob.digest);
    await this.request(to, 'PUT', done.toString(), { push: true, attempts: 1 }).then(drain);
  }

  /** Every page of a paged GET (`Link: <…>; rel="next"`); none when the first answers 404 (or with what `isPage` refuses). */
  private async readPages<T>(
    repo: Repo,
    path: string,
    headers: Record<string, string>,
    isPage: (res: Response) => boolean = () => true
  ): Promise<T[]> {
    const pages: T[] = [];
    for (let next: string | undefined = path; next !== undefined;) {
      const res = await this.request(repo, 'GET', next, { headers, allow404: true });
      if (res.status === 404 || !isPage(res)) {
        await drain(res);
        return pages;
      }
      pages.push((await res.json()) as T);
      next = nextPage(res.headers.get('link'), await this.baseUrl(apiHost(repo.registry)));
    }
    return pages;
  }

  /**
   * HTTPS; plain HTTP for a host marked `http = true`; a loopback host is probed once (concurrent
   * requests share the probe) and spoken to over plain HTTP when it has no TLS.
   */
  private async baseUrl(host: string): Promise<string> {
    let scheme = this.schemes.get(host);
    if (!scheme) {
      scheme = this.initialScheme(host);
      this.schemes.set(host, scheme);
    }
    return `${await scheme}://${host}/v2/`;
  }

  /** A host marked `http = true` is plain HTTP (no probe round trip); loopback is probed once. */
  private initialScheme(host: string): Promise<string> {
    if (this.plainHttpMarked(host)) return Promise.resolve('http');
    return isLoopback(host) ? this.probeScheme(host) : Promise.resolve('https');
  }

  /** Plain HTTP (and credentials over it) only to this machine or a host marked `http = true`. */
  private mayUsePlainHttp(host: string): boolean {
    return isLoopback(host) || this.plainHttpMarked(host);
  }

  private plainHttpMarked(host: string): boolean {
    return (this.options.plainHttpHosts ?? []).includes(host);
  }

  private async probeScheme(host: string): Promise<string> {
    try {
      this.requests++;
      const res = await fetch(`https://${host}/v2/`, { redirect: 'manual' });
      await drain(res);
      return 'https';
    } catch (e) {
      // Only a server that does not speak TLS is spoken to in plain HTTP; a refused connection or
      // a bad certificate is reported by the real request.
      return NO_TLS_CODES.has(networkErrorCode(e)) ? 'http' : 'https';
    }
  }

  /**
   * Sends with retries: network errors and 408/429/5xx are retried with capped backoff, waiting
   * as long as Retry-After asks (within the policy). Returns the first other response.
   */
  private async sendWithRetry(
    send: () => Promise<Response>,
    fail: (status: number | undefined, detail: string) => RegistryError,
    attempts = this.policy.attempts
  ): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await send();
      } catch (e) {
        if (attempt + 1 >= attempts)
          throw fail(undefined, `${describeNetworkError(e)} (after ${attempt + 1} attempt${attempt ? 's' : ''})`);
        await this.sleep(retryDelay(attempt, null, this.policy));
        continue;
      }
      if (!RETRY_STATUS.has(res.status) || attempt + 1 >= attempts) return res;
      const wait = retryDelay(attempt, res.headers.get('retry-after'), this.policy);
      await drain(res);
      if (wait < 0) {
        throw fail(
          res.status,
          `asked to retry after ${res.headers.get('retry-after')}, longer than the ${this.policy.maxRetryAfterMs / 1000} s this action waits`
        );
      }
      await this.sleep(wait);
    }
  }

  /**
   * The URL of a request: a path under the repository, or an absolute upload Location, which is
   * never followed over a weaker scheme than the client speaks to that host (an `http://`
   * Location from a registry reached over TLS is upgraded, unless the host is allowed plain HTTP).
   */
  private async requestUrl(host: string, repository: string, path: string): Promise<string> {
    const base = await this.baseUrl(host);
    if (!/^https?:\/\//.test(path)) return `${base}${repository}/${path}`;
    const url = new URL(path);
    if (isHost(url, host) && url.protocol === 'http:' && base.startsWith('https:') && !this.plainHttpMarked(host)) url.protocol = 'https:';
    return url.toString();
  }

  private async request({ registry, repository }: Repo, method: string, path: string, opts: RequestOptions): Promise<Response> {
    const host = apiHost(registry);
    const scope = requestScope(repository, opts);
    const fail = (status: number | undefined, detail: string): RegistryError =>
      new RegistryError(registry, repository, status, `${method} ${path}: ${detail}`);
    const send = async (): Promise<Response> => {
      // Credentials go only to the registry's own host, over the scheme it was reached by.
      const url = await this.requestUrl(host, repository, path);
      const headers: Record<string, string> = { ...opts.headers, ...this.authorization(host, scope, url) };
      return this.fetchFollowing(url, { method, headers, body: opts.body });
    };
    let res = await this.sendWithRetry(send, fail, opts.attempts);
    if (res.status === 401) {
      await drain(res);
      // Only the registry's own challenge is answered: another host (a redirect target, an upload
      // Location) must not pick the token server our credentials go to.
      if (res.url && !isHost(new URL(res.url), host)) {
        throw fail(401, `${new URL(res.url).host} asked for authentication; only ${host} gets this registry's credentials`);
      }
      await this.authenticate(registry, repository, scope, res.headers.get('www-authenticate') ?? '');
      res = await this.sendWithRetry(send, fail, opts.attempts);
    }
    if (res.ok || (opts.allow404 && res.status === 404)) return res;
    throw fail(res.status, summarizeErrorBody(await res.text().catch(() => '')));
  }

  /**
   * Follows redirects by hand: Authorization goes only to the origin it was issued for, and a
   * 303 becomes a GET.
   */
  private async fetchFollowing(url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }): Promise<Response> {
    let current = new URL(url);
    let { method, headers, body } = init;
    for (let hop = 0; hop < 5; hop++) {
      this.requests++;
      const res = await fetch(current, { method, headers, body, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await drain(res);
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        const rest = { ...headers };
        delete rest.Authorization;
        headers = rest;
      }
      if (res.status === 303) {
        method = 'GET';
        body = undefined;
      }
      current = next;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** The Authorization header for a request to `url`: only to the registry's own host, and only while the credential is valid. */
  private authorization(host: string, scope: string, url: string): { Authorization?: string } {
    const cached = this.auth.get(`${host}|${scope}`) ?? this.auth.get(`${host}|basic`);
    return cached && cached.expires > Date.now() && isHost(new URL(url), host) ? { Authorization: cached.header } : {};
  }

  /** Concurrent requests that hit the same challenge share one token request. */
  private authenticate(registry: string, repository: string, scope: string, header: string): Promise<void> {
    const key = `${apiHost(registry)}|${scope}`;
    let pending = this.pendingAuth.get(key);
    if (!pending) {
      pending = this.fetchAuth(registry, repository, scope, header).finally(() => this.pendingAuth.delete(key));
      this.pendingAuth.set(key, pending);
    }
    return pending;
  }

  private async fetchAuth(registry: string, repository: string, scope: string, header: string): Promise<void> {
    const host = apiHost(registry);
    const { scheme, params } = parseChallenge(header);
    const cred = this.options.credentials ? await this.options.credentials(registry) : undefined;
    if (scheme === 'basic') {
      if (!cred)
        throw new RegistryError(registry, repository, 401, 'authentication required and no credentials are configured for this registry');
      this.auth.set(`${host}|basic`, { header: basicAuth(cred), expires: Infinity });
      return;
    }
    if (scheme !== 'bearer' || !params.realm) {
      throw new RegistryError(registry, repository, 401, `unsupported authentication challenge "${header}"`);
    }
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    // Ours, and any the registry's challenge names besides (a mount also needs pull on its source).
    for (const s of mergeScopes(scope, params.scope ?? '')) tokenUrl.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    // Credentials travel to a token server only over TLS (or where plain HTTP is allowed).
    if (cred && (tokenUrl.protocol === 'https:' || this.mayUsePlainHttp(tokenUrl.host))) {
      headers.Authorization = basicAuth(cred);
    }
    const fail = (status: number | undefined, detail: string): RegistryError =>
      new RegistryError(registry, repository, status, `token request to ${tokenUrl.host}: ${detail}`);
    const res = await this.sendWithRetry(() => this.fetchFollowing(tokenUrl.toString(), { method: 'GET', headers }), fail);
    if (!res.ok) throw fail(res.status, `refused: ${summarizeErrorBody(await res.text().catch(() => ''))}`);
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw fail(res.status, 'no token in the answer');
    core.setSecret(token);
    // Renew a little early; 60 s is the spec's default lifetime.
    const lifetime = Math.max((body.expires_in ?? 60) - 10, 1) * 1000;
    this.auth.set(`${host}|${scope}`, { header: `Bearer ${token}`, expires: Date.now() + lifetime });
  }
}

/** A masked Basic Authorization header value. */
/**
 * Token scopes (`repository:NAME:ACTIONS`, space-separated) merged: one per resource, its actions
 * united, ours first. A challenge names the same access in its own order (`push,pull`), and
 * whichever concurrent request is challenged first must not change the token asked for.
 */
export function mergeScopes(...lists: string[]): string[] {
  const actions = new Map<string, Set<string>>();
  for (const scope of lists.flatMap(l => l.split(' ')).filter(Boolean)) {
    const at = scope.lastIndexOf(':');
    const [resource, wanted] = at < 0 ? [scope, ''] : [scope.slice(0, at), scope.slice(at + 1)];
    const have = actions.get(resource) ?? new Set<string>();
    for (const action of wanted.split(',').filter(Boolean)) have.add(action);
    actions.set(resource, have);
  }
  return [...actions].map(([resource, a]) => (a.size > 0 ? `${resource}:${[...a].join(',')}` : resource));
}

/** The token scopes a request needs: its repository, and pull on a mount's source repository. */
function requestScope(repository: string, opts: { push?: boolean; alsoPull?: Repo }): string {
  const own = `repository:${repository}:${opts.push ? 'pull,push' : 'pull'}`;
  return opts.alsoPull && opts.alsoPull.repository !== repository ? `${own} repository:${opts.alsoPull.repository}:pull` : own;
}

function basicAuth(cred: Credential): string {
  const value = Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
  core.setSecret(value);
  return `Basic ${value}`;
}

/**
 * Whether a failed blob copy is worth another attempt: network errors, a source cut mid-stream,
 * and 408/429/5xx are; other answers (a missing source blob, a digest the target refused) are not.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof RegistryError) return e.status === undefined || RETRY_STATUS.has(e.status);
  return true;
}

/** The stream, telling `count` each chunk's size as it passes. */
function counted(body: ReadableStream<Uint8Array>, count: ByteCounter): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        count(chunk.byteLength);
        controller.enqueue(chunk);
      }
    })
  );
}

/** The next page's URL from a `Link: <url>; rel="next"` header, resolved against the API base. */
export function nextPage(link: string | null, base: string): string | undefined {
  const m = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return m ? new URL(m[1], base).toString() : undefined;
}

async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

function networkErrorCode(e: unknown): string {
  return (e as { cause?: { code?: string } }).cause?.code ?? '';
}

function describeNetworkError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/** The registry's `{"errors":[{"code","message"}]}` body, briefly. */
function summarizeErrorBody(text: string): string {
  try {
    const j = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    if (j.errors?.length) return j.errors.map(e => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200) || 'no details';
}
