/**
 * Post-push content check: an image's config can say arm64 while its binaries are x86-64 (a
 * multi-platform build FROM a base image that has only amd64 copies the amd64 files into every
 * platform's image). This reads the program the image runs (the entrypoint or command, or else
 * the first ELF executable from the top layer down) out of the pushed layers and compares its ELF
 * machine, class and byte order with the platform.
 *
 * Layers are streamed top layer first and never buffered: every entry is indexed into a merged
 * view (upper layers shadow lower ones, whiteouts and opaque directories hide lower entries,
 * symlinks are followed within the image), the first 64 bytes of each regular file are kept
 * classified (ELF identity, script interpreter, or neither), and reading stops (the stream is
 * cancelled) as soon as the program's path is decided. The compressed bytes read per platform are
 * bounded; hitting the bound ends the check unverified, not failed.
 */
import * as path from 'path';
import { ElfIdent, describeElf, expectedElf, isElf, parseElfHeader } from '../oci/elf';
import { Descriptor } from '../oci/manifest';
import { decompressLayer, readTar, TarEntry, unreadableLayer, Whiteout, whiteout } from '../oci/tar';
import { Repo } from '../oci/reference';
import { RegistryReader } from './registry';
import { ImageConfig, ImageRead, readImage } from './image';

export interface ContentCheck {
  platform: string;
  /** The file whose header was read (absolute, symlinks resolved). */
  file?: string;
  /** Its ELF identity, when it is an ELF file. */
  found?: ElfIdent;
  /** False only for a binary of another machine; true when it matches or nothing could be checked. */
  ok: boolean;
  detail: string;
  /** Compressed layer bytes read for this platform. */
  bytesRead: number;
  /** True when reading stopped at the byte bound before the file was found (then ok is true but nothing was verified). */
  bounded: boolean;
}

export interface ContentCheckOptions {
  /** The most compressed layer bytes to read for this platform. */
  maxBytes: number;
  /** The manifest and config when the caller has read them already (they are not read again). */
  image?: ImageRead;
}

/** The bytes of a file's start that are read: enough for the ELF header's e_ident and e_machine, or a short `#!` line. */
export const HEAD_BYTES = 64;
/** As Linux (MAXSYMLINKS). */
const MAX_SYMLINK_HOPS = 40;
/** What Docker sets when an image has no PATH. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// ---------------------------------------------------------------------------------------------
// File heads

type Head = { kind: 'elf'; ident: ElfIdent } | { kind: 'script'; interpreter?: string } | { kind: 'other'; what: string };

/** `whole`: the head is the entire file (so a `#!` line may end without a newline). */
function classify(head: Buffer, whole: boolean): Head {
  if (head.length === 0) return { kind: 'other', what: 'an empty file' };
  if (isElf(head)) {
    const ident = parseElfHeader(head);
    return ident ? { kind: 'elf', ident } : { kind: 'other', what: 'a damaged ELF file' };
  }
  if (head[0] === 0x23 && head[1] === 0x21) {
    // `#!interpreter [arg]`; the interpreter is unknown when the line runs past the bytes read.
    const m = /^[ \t]*([^ \t\n]+)([ \t\n])?/.exec(head.subarray(2).toString('latin1'));
    return { kind: 'script', interpreter: m && (m[2] !== undefined || whole) ? m[1] : undefined };
  }
  return { kind: 'other', what: 'neither an ELF binary nor a script' };
}

// ---------------------------------------------------------------------------------------------
// The merged view of the layers read so far

type Node =
  | { kind: 'dir'; layer: number; implicit?: boolean; opaqueFrom?: number }
  | { kind: 'file'; layer: number; head: Head; mode: number }
  | { kind: 'symlink'; layer: number; target: string }
  | { kind: 'whiteout'; layer: number };

type FileNode = Extract<Node, { kind: 'file' }>;

type Lookup = Node | 'absent' | 'unknown';

/** `a/b/c` → ['', 'a', 'a/b'] (the root is ''). */
function ancestors(p: string): string[] {
  const parts = p.split('/');
  const out = [''];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Layers are numbered from the top (0) down and read in that order, so the first record of a path
 * is the one a container sees; a path not recorded yet is unknown until every layer that could
 * hold it has been read.
 */
class MergedView {
  private readonly nodes = new Map<string, Node>();
  /** Layers read to their end (0..layersDone-1). */
  layersDone = 0;
  /** Every layer read: what is not recorded does not exist. */
  complete = false;
  entries = 0;

  /** Whether an entry of `layer` at `p` is hidden by an upper layer (a whiteout, a non-directory or an opaque directory above it). */
  private hidden(p: string, layer: number): boolean {
    for (const a of ancestors(p)) {
      const n = this.nodes.get(a);
      if (!n || n.layer >= layer || (n.kind === 'dir' && n.implicit)) continue;
      if (n.kind !== 'dir') return true;
      if (n.opaqueFrom !== undefined && n.opaqueFrom < layer) return true;
    }
    return false;
  }

  /** Records an entry unless an upper layer hides or shadows it; true when recorded. */
  add(p: string, node: Node): boolean {
    if (p === '' || this.hidden(p, node.layer)) return false;
    const existing = this.nodes.get(p);
    if (existing && existing.layer < node.layer) {
      // Only a directory implied by an upper layer's paths gives way, to a real directory or symlink.
      if (!(existing.kind === 'dir' && existing.implicit) || (node.kind !== 'dir' && node.kind !== 'symlink')) return false;
    }
    // A whiteout hides only lower layers' files, never one of its own layer.
    if (existing?.layer === node.layer && node.kind === 'whiteout') return false;
    if (existing?.kind === 'dir' && node.kind === 'dir') node.opaqueFrom = existing.opaqueFrom;
    this.nodes.set(p, node);
    for (const a of ancestors(p)) {
      if (a !== '' && !this.nodes.has(a)) this.nodes.set(a, { kind: 'dir', layer: node.layer, implicit: true });
    }
    return true;
  }

  /** `dir/.wh..wh..opq` in `layer`: lower layers' entries under `dir` are hidden. */
  markOpaque(dir: string, layer: number): void {
    if (dir !== '' && this.hidden(dir, layer)) return;
    const n = this.nodes.get(dir);
    if (!n) this.nodes.set(dir, { kind: 'dir', layer, implicit: dir !== '', opaqueFrom: layer });
    else if (n.kind === 'dir') n.opaqueFrom ??= layer;
  }

  lookup(p: string): Lookup {
    const n = this.nodes.get(p);
    if (n && !(n.kind === 'dir' && n.implicit)) return n.kind === 'whiteout' ? 'absent' : n;
    if (this.complete) return n ?? 'absent';
    // Below a directory made opaque by a layer already read, nothing further down can add it.
    for (const a of ancestors(p)) {
      const d = this.nodes.get(a);
      if (d?.kind === 'dir' && d.opaqueFrom !== undefined && d.opaqueFrom < this.layersDone) return n ?? 'absent';
    }
    return 'unknown';
  }
}

type Resolution = { state: 'found'; path: string; node: FileNode } | { state: 'missing'; why: string } | { state: 'blocked'; on: string };

/** `/a/./b//c/` → ['a', 'b', 'c']; `..` is kept for the walk to apply. */
function components(p: string): string[] {
  return p.split('/').filter(c => c !== '' && c !== '.');
}

/**
 * Walks an absolute path through the merged view as the kernel would: symlinks (absolute, or
 * relative to their directory) at any component, `..` never above the root.
 */
function resolvePath(view: MergedView, start: string): Resolution {
  let pending = components(start);
  let cur = '';
  let hops = 0;
  while (pending.length > 0) {
    const comp = pending.shift() as string;
    if (comp === '..') {
      cur = cur.includes('/') ? cur.slice(0, cur.lastIndexOf('/')) : '';
      continue;
    }
    const next = cur ? `${cur}/${comp}` : comp;
    const n = view.lookup(next);
    if (n === 'unknown') return { state: 'blocked', on: next };
    if (n === 'absent') return { state: 'missing', why: `/${next} does not exist` };
    if (n.kind === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) return { state: 'missing', why: `too many levels of symbolic links at /${next}` };
      if (n.target.startsWith('/')) cur = '';
      pending = [...components(n.target), ...pending];
      continue;
    }
    if (pending.length === 0) {
      return n.kind === 'file' ? { state: 'found', path: `/${next}`, node: n } : { state: 'missing', why: `/${next} is a directory` };
    }
    if (n.kind !== 'dir') return { state: 'missing', why: `/${next} is not a directory` };
    cur = next;
  }
  return { state: 'missing', why: `${start} is the root directory` };
}

/**
 * The first PATH candidate found. A candidate earlier in PATH whose directory is only decided by
 * layers further down does not hold this back: reading the whole image to rule out a same-named
 * file shadowing it from a lower layer would cost more than it tells about the architecture.
 */
function resolveCandidates(view: MergedView, candidates: string[]): { result: Resolution; blockedOn: string[] } {
  const blockedOn: string[] = [];
  let missing: Resolution | undefined;
  for (const c of candidates) {
    const r = resolvePath(view, c);
    if (r.state === 'found') return { result: r, blockedOn: [] };
    if (r.state === 'blocked') blockedOn.push(r.on);
    else missing ??= r;
  }
  const result: Resolution =
    blockedOn.length > 0 ? { state: 'blocked', on: blockedOn[0] } : (missing ?? { state: 'missing', why: 'no candidate path' });
  return { result, blockedOn };
}

// ---------------------------------------------------------------------------------------------
// What to look for

interface Program {
  /** How the config names it, for messages: `entrypoint /app`, `command nginx`. */
  label: string;
  /** Absolute paths to try, in order (several for a bare name looked up through PATH). */
  candidates: string[];
}

/** The program a container of this config starts, as absolute candidate paths; undefined when there is none. */
export function programOf(config: ImageConfig['config']): Program | undefined {
  const entrypoint = Array.isArray(config?.Entrypoint) ? config.Entrypoint : [];
  const cmd = Array.isArray(config?.Cmd) ? config.Cmd : [];
  const [label, program] = entrypoint[0] ? ['entrypoint', entrypoint[0]] : cmd[0] ? ['command', cmd[0]] : [];
  if (!label || !program) return undefined;
  const workdir = path.posix.resolve('/', config?.WorkingDir || '/');
  if (program.includes('/')) return { label: `${label} ${program}`, candidates: [path.posix.resolve(workdir, program)] };
  const env = Array.isArray(config?.Env) ? config.Env : [];
  const pathVar =
    [...env]
      .reverse()
      .find(e => e.startsWith('PATH='))
      ?.slice('PATH='.length) ?? DEFAULT_PATH;
  const dirs = pathVar.split(':').map(d => path.posix.resolve(workdir, d || '.'));
  return { label: `${label} ${program}`, candidates: [...new Set(dirs.map(d => path.posix.join(d, program)))] };
}

// ---------------------------------------------------------------------------------------------
// Reading layers within the byte bound

class Budget {
  used = 0;
  hit = false;
  constructor(readonly max: number) {}
}

class BoundReached extends Error {}

interface MeteredBody {
  chunks: AsyncIterable<Buffer>;
  /** Cancels the body (closing the connection if it is still being sent); idempotent. */
  cancel(): Promise<void>;
}

/** A blob body pulled one chunk at a time, whichever form the HTTP client gave it in. */
interface ChunkSource {
  pull(): Promise<IteratorResult<Uint8Array, unknown>>;
  stop(): Promise<unknown>;
}

function isWebStream(body: ReadableStream<Uint8Array> | AsyncIterable<Buffer>): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream<Uint8Array>).getReader === 'function';
}

function webStreamSource(body: ReadableStream<Uint8Array>): ChunkSource {
  const reader = body.getReader();
  return {
    pull: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    stop: () => reader.cancel()
  };
}

function asyncIterableSource(body: AsyncIterable<Buffer>): ChunkSource {
  const it = body[Symbol.asyncIterator]();
  return { pull: () => it.next(), stop: async () => it.return?.() };
}

/** The source's chunks, counted against the budget (the last one cut at the bound); at the bound, the next pull throws BoundReached. */
async function* countedChunks(source: ChunkSource, budget: Budget, isCancelled: () => boolean): AsyncGenerator<Buffer, void, undefined> {
  for (;;) {
    if (isCancelled()) return;
    if (budget.used >= budget.max) {
      budget.hit = true;
      throw new BoundReached(`read the ${budget.max}-byte bound`);
    }
    const r = await source.pull();
    if (r.done) return;
    const bytes = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    const chunk = bytes.length > budget.max - budget.used ? bytes.subarray(0, budget.max - budget.used) : bytes;
    budget.used += chunk.length;
    yield chunk;
  }
}

/** The body's chunks, counted against the budget: at the bound, the next pull throws BoundReached. */
function meter(body: ReadableStream<Uint8Array> | AsyncIterable<Buffer>, budget: Budget): MeteredBody {
  const source = isWebStream(body) ? webStreamSource(body) : asyncIterableSource(body);
  let cancelled = false;
  return {
    chunks: countedChunks(source, budget, () => cancelled),
    cancel: async () => {
      if (cancelled) return;
      cancelled = true;
      await source.stop().catch(() => undefined);
    }
  };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

// ---------------------------------------------------------------------------------------------
// The check

/** What is being looked for: the program (then, once, a script's interpreter), or the first ELF executable. */
type Goal = { kind: 'program'; program: Program; script?: string } | { kind: 'first-elf' };

type Outcome = Omit<ContentCheck, 'platform' | 'bytesRead' | 'bounded'>;

/** A platform image's layers, top layer first, and how to open one. */
interface LayerSource {
  layers: Descriptor[];
  open(digest: string): Promise<ReadableStream<Uint8Array> | AsyncIterable<Buffer>>;
}

function sameElf(a: ElfIdent, b: ElfIdent): boolean {
  return a.machine === b.machine && a.bits === b.bits && a.endian === b.endian;
}

/** Whether a change at `affected` (a path, or '' for the root) can decide one of the `blockedOn` paths. */
function touchesAny(blockedOn: string[], affected: string): boolean {
  return blockedOn.some(b => b === affected || b.startsWith(`${affected}/`) || affected === '');
}

/** The view node of a non-regular, non-whiteout entry; a hard link copies the file it links to in the same layer. */
function nodeOfEntry(entry: TarEntry, layer: number, layerFiles: Map<string, FileNode>): Node {
  switch (entry.type) {
    case 'hardlink': {
      const target = layerFiles.get(entry.linkname);
      return target ? { ...target, mode: entry.mode } : { kind: 'symlink', layer, target: `/${entry.linkname}` };
    }
    case 'symlink':
      return { kind: 'symlink', layer, target: entry.linkname };
    case 'directory':
      return { kind: 'dir', layer };
    default:
      return { kind: 'file', layer, mode: entry.mode, head: { kind: 'other', what: `a special file (tar type ${entry.typeflag})` } };
  }
}

/** One platform's search through its layers, top layer first, for the file whose ELF identity is checked. */
class ContentSearch {
  private readonly view = new MergedView();
  private readonly want: string;
  private goal: Goal;
  /** The paths still unknown that decide the goal; an entry touching one of them calls for deciding again. */
  private blockedOn: string[] = [];

  constructor(
    private readonly platform: string,
    private readonly expected: ElfIdent,
    private readonly budget: Budget,
    private readonly source: LayerSource,
    program: Program | undefined
  ) {
    this.want = describeElf(expected);
    this.goal = program ? { kind: 'program', program } : { kind: 'first-elf' };
  }

  /** Reads layers until the outcome is decided, the byte bound is hit or the layers run out. */
  async run(): Promise<ContentCheck> {
    this.decide(); // nothing is known yet: this only notes the paths that decide the goal
    for (const [layer, desc] of this.source.layers.entries()) {
      const unreadable = unreadableLayer(desc.mediaType);
      if (unreadable) return this.notChecked(`${unreadable} (${desc.digest}) before finding ${this.target()}`);
      const stopped = await this.scanLayer(layer, desc);
      if (stopped) return stopped;
      this.view.layersDone = layer + 1;
      const outcome = this.decide();
      if (outcome) return this.done(outcome);
    }
    this.view.complete = true;
    return this.done(this.decide() ?? this.outcomeNotChecked(`${this.target()} could not be resolved (${this.checked()})`));
  }

  private done(o: Outcome, bounded = false): ContentCheck {
    return { platform: this.platform, ...o, bytesRead: this.budget.used, bounded };
  }

  private outcomeNotChecked(why: string): Outcome {
    return { ok: true, detail: `${this.platform}: ${why}; content not checked` };
  }

  private notChecked(why: string): ContentCheck {
    return this.done(this.outcomeNotChecked(why));
  }

  private checked(): string {
    return `${this.view.layersDone} of ${this.source.layers.length} layers and ${this.view.entries} entries looked through`;
  }

  private target(): string {
    return this.goal.kind === 'program' ? this.goal.program.label : 'an ELF executable';
  }

  /** Streams one layer into the view; the check when an entry decides it or the layer cannot be read. */
  private async scanLayer(layer: number, desc: Descriptor): Promise<ContentCheck | undefined> {
    const body = meter(await this.source.open(desc.digest), this.budget);
    try {
      return await this.indexLayer(body.chunks, layer, desc.mediaType);
    } catch (e) {
      return this.readFailed(e as Error, desc.digest);
    } finally {
      await body.cancel();
    }
  }

  private async indexLayer(chunks: AsyncIterable<Buffer>, layer: number, mediaType: string): Promise<ContentCheck | undefined> {
    const tar = decompressLayer(chunks, mediaType);
    if (!tar.ok) throw new Error(tar.reason);
    const layerFiles = new Map<string, FileNode>();
    for await (const entry of readTar(tar.chunks)) {
      const outcome = await this.indexEntry(entry, layer, layerFiles);
      if (outcome) return this.done(outcome);
    }
    return undefined;
  }

  private readFailed(e: Error, digest: string): ContentCheck {
    if (!this.budget.hit) return this.notChecked(`could not read layer ${digest}: ${e.message}`);
    const detail = `${this.platform}: stopped at the ${formatBytes(this.budget.max)} bound of layer bytes read before finding ${this.target()} (${this.checked()}); content not verified`;
    return this.done({ ok: true, detail }, true);
  }

  /** Indexes one entry; the outcome when it decides the goal. */
  private async indexEntry(entry: TarEntry, layer: number, layerFiles: Map<string, FileNode>): Promise<Outcome | undefined> {
    this.view.entries++;
    const wo = whiteout(entry.path);
    if (wo) return this.redecideIfBlockedOn(this.indexWhiteout(wo, layer));
    if (entry.type === 'file') {
      const firstElf = await this.indexFile(entry, layer, layerFiles);
      if (firstElf) return firstElf;
    } else {
      this.view.add(entry.path, nodeOfEntry(entry, layer, layerFiles));
    }
    return this.redecideIfBlockedOn(entry.path);
  }

  /** Records a whiteout; the path it affects. */
  private indexWhiteout(wo: Whiteout, layer: number): string {
    if (wo.kind === 'opaque') {
      this.view.markOpaque(wo.dir, layer);
      return wo.dir;
    }
    this.view.add(wo.path, { kind: 'whiteout', layer });
    return wo.path;
  }

  /** Records a regular file with its classified head; the outcome when it is the first ELF executable being looked for. */
  private async indexFile(entry: TarEntry, layer: number, layerFiles: Map<string, FileNode>): Promise<Outcome | undefined> {
    const head = classify(await entry.read(HEAD_BYTES), entry.size <= HEAD_BYTES);
    const node: FileNode = { kind: 'file', layer, mode: entry.mode, head };
    layerFiles.set(entry.path, node);
    const added = this.view.add(entry.path, node);
    if (added && this.goal.kind === 'first-elf' && head.kind === 'elf' && (node.mode & 0o111) !== 0) {
      return this.judge(`/${entry.path}`, node, 'the first ELF executable from the top layer down') as Outcome;
    }
    return undefined;
  }

  private redecideIfBlockedOn(affected: string): Outcome | undefined {
    return this.goal.kind === 'program' && touchesAny(this.blockedOn, affected) ? this.decide() : undefined;
  }

  /** The outcome once the goal's path is decided, following a script to its interpreter once. */
  private decide(): Outcome | undefined {
    for (;;) {
      const goal = this.goal;
      if (goal.kind !== 'program') {
        return this.view.complete ? this.outcomeNotChecked('no ELF executable in the image') : undefined;
      }
      const { result, blockedOn } = resolveCandidates(this.view, goal.program.candidates);
      this.blockedOn = blockedOn;
      if (result.state === 'blocked') return undefined;
      if (result.state === 'missing') return this.outcomeNotChecked(`${goal.program.label} is not in the image (${result.why})`);
      const next = this.judge(result.path, result.node, goal.program.label);
      if ('kind' in next) this.goal = next;
      else return next;
    }
  }

  /** The outcome for the file found (`via` says how it was chosen), or the next goal when it is a script whose interpreter is to be read. */
  private judge(file: string, node: FileNode, via: string): Outcome | Goal {
    const { head } = node;
    if (head.kind === 'elf') return this.judgeElf(file, head.ident, via);
    if (head.kind === 'script' && this.goal.kind === 'program' && !this.goal.script && head.interpreter?.startsWith('/')) {
      return {
        kind: 'program',
        program: { label: `interpreter ${head.interpreter} of ${file}`, candidates: [head.interpreter] },
        script: file
      };
    }
    const what = head.kind === 'script' ? `a script${head.interpreter ? ` for ${head.interpreter}` : ''}, not a binary` : head.what;
    return { ok: true, file, detail: `${this.platform}: ${file} (${via}) is ${what}; content not checked` };
  }

  private judgeElf(file: string, found: ElfIdent, via: string): Outcome {
    const ok = sameElf(found, this.expected);
    const detail = ok
      ? `${this.platform}: ${file} is ${describeElf(found)} (${via})`
      : `${this.platform}: ${file} is ${describeElf(found)}, not ${this.want}`;
    return { ok, file, found, detail };
  }
}

/** The manifest's config and its layers, top layer first. */
async function openImage(
  client: RegistryReader,
  repo: Repo,
  manifestDigest: string,
  known?: ImageRead
): Promise<{ config: ImageConfig; source: LayerSource }> {
  const { manifest, config } = known ?? (await readImage(client, repo, manifestDigest));
  const source: LayerSource = {
    layers: [...(manifest.json.layers ?? [])].reverse(),
    open: digest => client.openBlob(repo, digest)
  };
  return { config, source };
}

/**
 * Reads the program an image runs from the registry and checks it is an ELF binary for
 * `platform`. See the module comment for how; `opts.maxBytes` bounds the compressed bytes read.
 */
export async function checkImageContent(
  client: RegistryReader,
  repo: Repo,
  manifestDigest: string,
  platform: string,
  opts: ContentCheckOptions
): Promise<ContentCheck> {
  const budget = new Budget(opts.maxBytes);
  const expected = expectedElf(platform);
  if (!expected) {
    const detail = `${platform}: no known ELF machine for this platform; content not checked`;
    return { platform, ok: true, detail, bytesRead: budget.used, bounded: false };
  }
  const { config, source } = await openImage(client, repo, manifestDigest, opts.image);
  return new ContentSearch(platform, expected, budget, source, programOf(config.config)).run();
}
