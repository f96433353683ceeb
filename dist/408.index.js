"use strict";
exports.id = 408;
exports.ids = [408];
exports.modules = {

/***/ 12408:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.promote = promote;
exports.runPromoteMode = runPromoteMode;
/**
 * mode: promote — copies a published image (its index, every platform and attestation manifest,
 * and the signatures and other referrers attached to them) from `source` to every repository the
 * tags name, without rebuilding, digests unchanged; then puts the tags through the same backport
 * guard as a build. Nothing is written before the whole source is read and every target accepts a
 * push; no tag moves before every target holds the whole graph. Needs neither docker nor buildx.
 */
const core = __importStar(__webpack_require__(37484));
const login_1 = __webpack_require__(54377);
const manifest_1 = __webpack_require__(32060);
const reference_1 = __webpack_require__(62148);
const promote_1 = __webpack_require__(67774);
const copy_1 = __webpack_require__(39190);
const graph_1 = __webpack_require__(2643);
const logins_1 = __webpack_require__(28218);
const publish_1 = __webpack_require__(5328);
const targets_1 = __webpack_require__(39825);
const push_access_1 = __webpack_require__(76847);
const run_1 = __webpack_require__(319);
const outputs_1 = __webpack_require__(65468);
const promote_summary_1 = __webpack_require__(903);
/** The source's tag read once; the graph under its digest. */
async function readSource(client, source) {
    const ref = (0, reference_1.parseReference)(source);
    const root = await (0, graph_1.resolveSource)(client, ref);
    if (!ref.digest)
        core.info(`promote: ${source} is ${root.digest}; read by digest from here on`);
    const graph = await (0, graph_1.readGraph)(client, (0, reference_1.repoOf)(source), root, root.json.manifests ? 'index' : 'image manifest');
    const referrers = [...graph.referrers.values()].reduce((n, r) => n + r.descriptors.length, 0);
    core.info(`promote: ${graph.nodes.size} manifest(s) to copy, ${referrers} referrer(s) and ${graph.tags.length} cosign object(s) among them`);
    return graph;
}
/**
 * The promotion, with the client given: the source read whole, every target checked for push
 * access, the graph copied into each, then the tags, last.
 */
async function promote(cfg, client) {
    const source = (0, promote_1.promoteSource)(cfg.source, cfg.event.sha, cfg.tagRules);
    const graph = await readSource(client, source);
    const { refs } = await (0, publish_1.resolveTags)(cfg, client);
    if (refs.length === 0) {
        throw new Error('promote: no tags to publish under (set tags or images), or none may move (see the notices above); nothing was copied');
    }
    const targets = (0, targets_1.targetRepos)(refs);
    await (0, push_access_1.checkPushAccess)(client, targets.map(t => t.name), 'nothing was copied or tagged');
    const copies = [];
    for (const target of targets)
        copies.push(await (0, copy_1.copyGraph)(client, graph, target));
    const moved = await (0, publish_1.putTags)(client, refs, graph.root, (0, publish_1.lastMomentGuard)(cfg, client));
    return { source, graph, refs, moved, copies };
}
async function runPromoteMode(cfg, _ctx, run) {
    for (const notice of cfg.loginNotices)
        core.notice(notice);
    if (!cfg.push) {
        core.notice(`promote: not pushing (${cfg.pushReason}); nothing was copied or tagged`);
        return;
    }
    (0, run_1.announceTagNotes)(cfg);
    const started = Date.now();
    const client = (0, publish_1.registryClient)(cfg, await (0, logins_1.resolveLogins)(cfg.logins), (0, login_1.userDockerConfigDir)(), run);
    const { source, graph, moved, copies } = await promote(cfg, client);
    const digest = graph.root.digest;
    const digests = (0, manifest_1.platformDigests)(graph.root);
    (0, outputs_1.setIndexOutputs)({ digest, digests, refs: moved, platforms: Object.keys(digests) }, cfg);
    await (0, promote_summary_1.writePromoteSummary)({ source, digest, refs: moved, copies, ms: Date.now() - started });
    core.info(`promote: ${source} (${digest}) published under ${moved.length} tag(s) in ${Date.now() - started} ms, ${client.requests} HTTP requests`);
}


/***/ }),

/***/ 39190:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.BLOB_CONCURRENCY = void 0;
exports.putLevels = putLevels;
exports.copyGraph = copyGraph;
/**
 * Copies an image graph (graph.ts) into a target repository, on the source's registry or another,
 * so that every digest stays what it was: the same bytes under the same media types, children
 * before the manifests that name them. What the target already holds is skipped (a HEAD each), so
 * an interrupted copy resumes where it stopped. Then the supporting tags: cosign's objects and,
 * where the target has no referrers API, the referrers fallback indexes. Release tags are the
 * caller's, last.
 */
const core = __importStar(__webpack_require__(37484));
const reference_1 = __webpack_require__(62148);
const progress_1 = __webpack_require__(39620);
const referrers_1 = __webpack_require__(9191);
/** Blobs copied at once: enough to fill a link, few enough to be kind to the registries. */
exports.BLOB_CONCURRENCY = 6;
/** Existence checks (HEADs) at once. */
const HEAD_CONCURRENCY = 16;
/** True the first time `key` is seen. */
function firstSighting(seen, key) {
    if (seen.has(key))
        return false;
    seen.add(key);
    return true;
}
/** One group per manifest; a blob named by several missing manifests is copied with the first. */
function planGroups(graph, missing) {
    const assigned = new Set();
    return [...graph.nodes.entries()].map(([digest, node]) => {
        const blobs = missing.has(digest) ? node.blobs.filter(b => firstSighting(assigned, b.digest)) : [];
        const result = {
            label: node.label,
            digest,
            manifest: missing.has(digest) ? 'copied' : 'present',
            blobs: { present: 0, mounted: 0, uploaded: 0 },
            bytes: 0,
            ms: 0
        };
        return { result, blobs, pending: blobs.length };
    });
}
function logGroup(target, r) {
    const sent = r.blobs.uploaded
        ? `${r.blobs.uploaded} sent (${(0, progress_1.formatBytes)(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s, ${(0, progress_1.formatRate)(r.bytes, r.ms)})`
        : '';
    const mounted = r.blobs.mounted ? `${r.blobs.mounted} mounted` : '';
    const there = r.blobs.present ? `${r.blobs.present} already there` : '';
    core.info(`promote: ${r.label} → ${(0, reference_1.imageName)(target)}: blobs ${[sent, mounted, there].filter(Boolean).join(', ')}`);
}
/** Every blob of the missing manifests, at most BLOB_CONCURRENCY at a time, with progress. */
async function copyBlobs(client, graph, target, missing) {
    const groups = planGroups(graph, missing);
    const jobs = groups.flatMap(g => g.blobs.map(blob => ({ g, blob })));
    const progress = new progress_1.CopyProgress(`promote to ${(0, reference_1.imageName)(target)}`, jobs.reduce((n, j) => n + j.blob.size, 0));
    progress.start();
    try {
        await (0, progress_1.mapBounded)(jobs, exports.BLOB_CONCURRENCY, async ({ g, blob }) => {
            g.started ??= Date.now();
            g.result.blobs[await client.copyBlob(graph.source, target, blob, progress.counter(g.result))]++;
            if (--g.pending > 0)
                return;
            g.result.ms = Date.now() - g.started;
            logGroup(target, g.result);
        });
    }
    finally {
        progress.stop();
    }
    return groups.map(g => g.result);
}
/** The manifests in levels: each after every manifest it names or refers to. */
function putLevels(graph) {
    const depth = new Map();
    const depthOf = (digest) => {
        const node = graph.nodes.get(digest);
        if (!node)
            return -1;
        if (!depth.has(digest))
            depth.set(digest, 1 + Math.max(-1, ...node.after.map(depthOf)));
        return depth.get(digest);
    };
    const levels = [];
    for (const digest of graph.nodes.keys())
        (levels[depthOf(digest)] ??= []).push(digest);
    return levels;
}
/**
 * PUTs the missing manifests by digest, level by level. Says whether the target keeps referrers
 * lists itself (a manifest with a subject answered with OCI-Subject); undefined when none was put.
 */
async function putManifests(client, graph, target, missing) {
    let indexesSubjects;
    const put = async (node) => {
        const m = node.manifest;
        if (!m.json.subject)
            return void (await client.putManifest(target, m.digest, m.bytes, m.mediaType));
        const indexed = await client.putReferrer(target, m);
        indexesSubjects = (indexesSubjects ?? true) && indexed;
    };
    for (const level of putLevels(graph)) {
        await Promise.all(level.filter(d => missing.has(d)).map(d => put(graph.nodes.get(d))));
    }
    return indexesSubjects;
}
/** A cosign object under its tag: written when absent, merged when the target's holds other signatures. */
async function putTaggedObject(client, graph, target, t) {
    const source = graph.nodes.get(t.digest).manifest;
    const existing = await client.findManifest(target, t.tag);
    if (existing?.digest === source.digest)
        return false;
    const bytes = existing ? (0, referrers_1.mergedTaggedObject)(source, existing) : source.bytes;
    if (!bytes)
        return false;
    if (existing)
        core.info(`promote: ${(0, reference_1.imageName)(target)}:${t.tag} held other signatures too; they are kept beside the source's`);
    await client.putManifest(target, t.tag, bytes, source.mediaType);
    return true;
}
/** Whether the target needs the fallback tags: it did not answer OCI-Subject, or (nothing put now) has no referrers API. */
async function needsFallbackTags(client, graph, target, indexesSubjects) {
    const first = graph.referrers.keys().next();
    if (first.done)
        return false;
    if (indexesSubjects !== undefined)
        return !indexesSubjects;
    return (await client.listReferrers(target, first.value)) === undefined;
}
async function putSupportingTags(client, graph, target, indexesSubjects) {
    const fallback = await needsFallbackTags(client, graph, target, indexesSubjects);
    const written = await Promise.all([
        ...graph.tags.map(t => putTaggedObject(client, graph, target, t)),
        ...(fallback ? [...graph.referrers].map(([subject, found]) => (0, referrers_1.writeFallbackIndex)(client, target, subject, found)) : [])
    ]);
    return { written: written.filter(Boolean).length, present: written.filter(w => !w).length };
}
/** Copies the graph into `target`: what it lacks, blobs first, manifests children first, then the supporting tags. */
async function copyGraph(client, graph, target) {
    const started = Date.now();
    const digests = [...graph.nodes.keys()];
    const present = await (0, progress_1.mapBounded)(digests, HEAD_CONCURRENCY, d => client.hasManifest(target, d));
    const missing = new Set(digests.filter((_d, i) => !present[i]));
    core.info(`promote: ${(0, reference_1.imageName)(target)} lacks ${missing.size} of ${digests.length} manifest(s)`);
    const groups = await copyBlobs(client, graph, target, missing);
    const indexesSubjects = await putManifests(client, graph, target, missing);
    const tags = await putSupportingTags(client, graph, target, indexesSubjects);
    return { target, groups, tags, ms: Date.now() - started };
}


/***/ }),

/***/ 2643:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.resolveSource = resolveSource;
exports.readGraph = readGraph;
/**
 * The graph a published image is made of, read from its source repository by digest only: the
 * index (or single manifest), every manifest it names (platforms, attestation manifests), what
 * refers to any of them (OCI 1.1 referrers, cosign's tag-scheme objects), what refers to those in
 * turn, and the blobs of each. Reading it is all the promotion reads before it writes.
 */
const manifest_1 = __webpack_require__(32060);
const platform_1 = __webpack_require__(1890);
const reference_1 = __webpack_require__(62148);
const referrers_1 = __webpack_require__(9191);
/** The tag or digest the source names, read once; from here on only its digest is used. */
async function resolveSource(client, source) {
    const repo = { registry: source.registry, repository: source.repository };
    const reference = source.digest ?? source.tag ?? 'latest';
    const found = await client.findManifest(repo, reference);
    if (!found)
        throw new Error(`promote: the source ${(0, reference_1.imageName)(repo)}${source.digest ? '@' : ':'}${reference} does not exist; nothing was copied`);
    return found;
}
function blobsOf(m) {
    const named = [m.json.config, ...(m.json.layers ?? [])].filter((d) => d !== undefined);
    return named.filter(d => !d.urls?.length);
}
/** The children of an index, labelled by platform; attestation manifests by the platform they describe. */
function childrenOf(m) {
    const entries = m.json.manifests ?? [];
    const platformOf = (d) => (d.platform ? (0, platform_1.formatPlatform)(d.platform) : 'manifest');
    return entries.map(d => {
        if (!(0, manifest_1.isAttestation)(d))
            return { digest: d.digest, label: platformOf(d), after: [] };
        const described = entries.find(e => e.digest === d.annotations?.[manifest_1.ATTESTATION_REF_DIGEST]);
        return { digest: d.digest, label: `attestation of ${described ? platformOf(described) : 'manifest'}`, after: [] };
    });
}
/** What refers to a node, as pending manifests (cosign's tagged objects come already read). */
function referringOf(graph, digest, label, found) {
    if (found.referrers)
        graph.referrers.set(digest, found.referrers);
    const referrers = (found.referrers?.descriptors ?? []).map(d => ({
        digest: d.digest,
        label: `${d.artifactType ?? 'referrer'} of ${label}`,
        after: []
    }));
    const tagged = found.tagged.map(t => {
        graph.tags.push({ tag: t.tag, digest: t.manifest.digest });
        return { digest: t.manifest.digest, label: `cosign ${t.kind} of ${label}`, after: [digest], manifest: t.manifest };
    });
    return [...referrers, ...tagged];
}
function addNode(graph, p, manifest) {
    const named = [...(manifest.json.manifests ?? []).map(d => d.digest), ...(manifest.json.subject ? [manifest.json.subject.digest] : [])];
    graph.nodes.set(p.digest, { manifest, label: p.label, after: [...new Set([...named, ...p.after])], blobs: blobsOf(manifest) });
}
/**
 * Reads the whole graph under `root`, one level at a time (each level's reads at once): a
 * manifest, then what it names and what refers to it. Any read that fails fails the walk.
 */
async function readGraph(client, source, root, rootLabel) {
    const graph = { source, root, nodes: new Map(), tags: [], referrers: new Map() };
    const find = await (0, referrers_1.referrerFinder)(client, source);
    let level = [{ digest: root.digest, label: rootLabel, after: [], manifest: root }];
    while (level.length > 0) {
        const read = await Promise.all(level.map(p => (p.manifest ? Promise.resolve(p.manifest) : client.getManifest(source, p.digest))));
        level.forEach((p, i) => addNode(graph, p, read[i]));
        const found = await Promise.all(level.map(p => find(p.digest)));
        const next = level.flatMap((p, i) => [...childrenOf(read[i]), ...referringOf(graph, p.digest, p.label, found[i])]);
        level = [...new Map(next.filter(p => !graph.nodes.has(p.digest)).map(p => [p.digest, p])).values()];
    }
    return graph;
}


/***/ }),

/***/ 39620:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.CopyProgress = exports.LARGE_COPY_BYTES = void 0;
exports.formatBytes = formatBytes;
exports.formatRate = formatRate;
exports.mapBounded = mapBounded;
/**
 * Bytes copied, per group of blobs (the blobs of one manifest) and in all: a log line as each
 * group finishes, and for a large copy a line every few seconds, so a long step shows it moves.
 */
const core = __importStar(__webpack_require__(37484));
/** Copies at least this large get the periodic line. */
exports.LARGE_COPY_BYTES = 64 * 1024 * 1024;
const TICK_MS = 5000;
function formatBytes(bytes) {
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KB`;
    if (bytes < 1024 ** 3)
        return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
    return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
/** Bytes per second as `12.3 MB/s` (or `-` when nothing was timed). */
function formatRate(bytes, ms) {
    return ms > 0 && bytes > 0 ? `${formatBytes((bytes * 1000) / ms)}/s` : '-';
}
class CopyProgress {
    what;
    expected;
    log;
    copied = 0;
    started = Date.now();
    timer;
    /** `expected`: the bytes the copy may have to send (blobs the target may already hold included). */
    constructor(what, expected, log = core.info) {
        this.what = what;
        this.expected = expected;
        this.log = log;
    }
    /** Starts the periodic line for a large copy. */
    start() {
        if (this.expected < exports.LARGE_COPY_BYTES)
            return;
        this.timer = setInterval(() => this.tick(), TICK_MS);
        this.timer.unref();
    }
    stop() {
        if (this.timer)
            clearInterval(this.timer);
    }
    /** A counter for one group's blobs: adds to the group's count and the total. */
    counter(group) {
        return n => {
            group.bytes += n;
            this.copied += n;
        };
    }
    tick() {
        const ms = Date.now() - this.started;
        this.log(`${this.what}: ${formatBytes(this.copied)} of up to ${formatBytes(this.expected)} sent (${formatRate(this.copied, ms)})`);
    }
}
exports.CopyProgress = CopyProgress;
/**
 * Runs `fn` over `items`, at most `limit` at a time; results in the items' order. After a
 * failure no new item starts (those under way finish), and the first failure is thrown.
 */
async function mapBounded(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
        while (next < items.length && !failed) {
            const i = next++;
            try {
                results[i] = await fn(items[i]);
            }
            catch (e) {
                failed = true;
                throw e;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}


/***/ }),

/***/ 9191:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.referrersTag = referrersTag;
exports.cosignTag = cosignTag;
exports.findReferrers = findReferrers;
exports.referrerFinder = referrerFinder;
exports.attachReferrer = attachReferrer;
exports.writeFallbackIndex = writeFallbackIndex;
exports.mergedTaggedObject = mergedTaggedObject;
/**
 * What refers to a manifest, found and written as the OCI distribution spec 1.1 says: the
 * referrers API where the registry has one, else the referrers tag schema (the tag `<alg>-<hex>`
 * of the subject holds an image index listing its referrers, which the writer keeps up to date).
 * Also cosign's older tag scheme: `sha256-<hex>.sig`, `.att` and `.sbom`, each a manifest of its
 * own under that tag. Signing attaches and verifies through this module; promotion walks and
 * copies through it.
 */
const core = __importStar(__webpack_require__(37484));
const digest_1 = __webpack_require__(68825);
const manifest_1 = __webpack_require__(32060);
const reference_1 = __webpack_require__(62148);
const COSIGN_SUFFIXES = { sig: 'signature', att: 'attestation', sbom: 'SBOM' };
/** The referrers tag schema's tag for a digest: `sha256:abc…` → `sha256-abc…`. */
function referrersTag(digest) {
    return digest.replace(':', '-');
}
/** cosign's tag-scheme tag for what it attaches to a digest: `sha256-<hex>.sig`, `.att` or `.sbom`. */
function cosignTag(digest, suffix) {
    return `${referrersTag(digest)}.${suffix}`;
}
/** The subject's referrers: from the API, else from the fallback tag's index (none when it has no tag). */
async function findReferrers(registry, repo, subject, artifactType) {
    const listed = (await registry.listReferrers(repo, subject)) ?? (await registry.findManifest(repo, referrersTag(subject)))?.json.manifests ?? [];
    return artifactType ? listed.filter(d => d.artifactType === artifactType) : listed;
}
/**
 * Reads a tag, or says there is none: from the repository's tag list when it could be read (one
 * request for the whole walk), else by asking for the tag itself.
 */
async function tagReader(client, repo) {
    let tags;
    try {
        tags = new Set(await client.listTags(repo));
    }
    catch (e) {
        core.info(`promote: could not list the tags of ${(0, reference_1.imageName)(repo)} (${e.message}); asking for each tag instead`);
    }
    return tag => (tags && !tags.has(tag) ? Promise.resolve(undefined) : client.findManifest(repo, tag));
}
/**
 * A finder of what refers to a manifest of `repo`. Whether the registry has the referrers API is
 * learnt from the first answer (404: it has not) and remembered for the rest of the walk.
 */
async function referrerFinder(client, repo) {
    const readTag = await tagReader(client, repo);
    let hasApi;
    const viaApiOrTag = async (digest) => {
        if (hasApi !== false) {
            const listed = await client.listReferrers(repo, digest);
            hasApi = listed !== undefined;
            if (listed)
                return listed.length > 0 ? { descriptors: listed } : undefined;
        }
        const fallback = await readTag(referrersTag(digest));
        return fallback?.json.manifests?.length ? { descriptors: fallback.json.manifests, fallback } : undefined;
    };
    return async (digest) => {
        const suffixes = Object.keys(COSIGN_SUFFIXES);
        const [referrers, ...objects] = await Promise.all([viaApiOrTag(digest), ...suffixes.map(s => readTag(cosignTag(digest, s)))]);
        const tagged = suffixes.flatMap((s, i) => {
            const manifest = objects[i];
            return manifest ? [{ tag: cosignTag(digest, s), kind: COSIGN_SUFFIXES[s], manifest }] : [];
        });
        return { referrers, tagged };
    };
}
/**
 * PUTs the manifest by digest; where the registry does not index it (no `OCI-Subject` in its
 * answer: no referrers API), adds it to the subject's fallback index (read, extended, written
 * back) so every verifier finds it either way.
 */
async function attachReferrer(registry, repo, subject, m) {
    const digest = (0, digest_1.sha256Digest)(m.bytes);
    if (await registry.putReferrer(repo, { bytes: m.bytes, digest, mediaType: m.mediaType }))
        return digest;
    const descriptor = {
        mediaType: m.mediaType,
        digest,
        size: m.bytes.length,
        artifactType: m.artifactType,
        annotations: m.annotations
    };
    await writeFallbackIndex(registry, repo, subject, { descriptors: [descriptor] });
    return digest;
}
/** An index listing `descriptors` in the referrers tag schema's form. */
function fallbackIndex(descriptors) {
    return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: manifest_1.MEDIA_TYPES.ociIndex, manifests: descriptors }));
}
/**
 * Makes the target's fallback tag of `subject` list every referrer copied: the source's own index
 * as it is (same digest) when the target has none, else the target's list with the missing ones
 * appended. Says whether it wrote anything.
 */
async function writeFallbackIndex(client, target, subject, found) {
    const tag = referrersTag(subject);
    const current = await client.findManifest(target, tag);
    if (!current) {
        const bytes = found.fallback?.bytes ?? fallbackIndex(found.descriptors);
        await client.putManifest(target, tag, bytes, manifest_1.MEDIA_TYPES.ociIndex);
        return true;
    }
    const listed = current.json.manifests ?? [];
    const missing = found.descriptors.filter(d => !listed.some(l => l.digest === d.digest));
    if (missing.length === 0)
        return false;
    await client.putManifest(target, tag, fallbackIndex([...listed, ...missing]), manifest_1.MEDIA_TYPES.ociIndex);
    return true;
}
/**
 * A cosign object under a tag the target already holds with other content (signed there too):
 * cosign's own way of adding a signature, the layers of both in one manifest (the source's
 * first, then those only the target had). Undefined when the target's already has them all.
 */
function mergedTaggedObject(source, existing) {
    const layers = source.json.layers ?? [];
    const extra = (existing.json.layers ?? []).filter(l => !layers.some(s => s.digest === l.digest));
    const missing = layers.filter(l => !(existing.json.layers ?? []).some(e => e.digest === l.digest));
    if (missing.length === 0)
        return undefined;
    return extra.length === 0 ? source.bytes : Buffer.from(JSON.stringify({ ...source.json, layers: [...layers, ...extra] }));
}


/***/ }),

/***/ 903:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.promoteRows = promoteRows;
exports.writePromoteSummary = writePromoteSummary;
/** The job summary of a promotion: per target, what was copied and what was already there, how long it took and how fast. */
const core = __importStar(__webpack_require__(37484));
const reference_1 = __webpack_require__(62148);
const progress_1 = __webpack_require__(39620);
const short = (digest) => `<code>${digest.slice(0, 19)}…</code>`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
function groupRow(target, g) {
    const copied = g.blobs.uploaded + g.blobs.mounted;
    const how = g.blobs.mounted ? ` (${g.blobs.mounted} mounted)` : '';
    return [
        `<code>${target}</code>`,
        `${g.label} ${short(g.digest)}`,
        g.manifest,
        `${copied}${how}`,
        String(g.blobs.present),
        g.bytes ? (0, progress_1.formatBytes)(g.bytes) : '-',
        g.ms ? seconds(g.ms) : '-',
        (0, progress_1.formatRate)(g.bytes, g.ms)
    ];
}
function totalRow(c) {
    const sum = (f) => c.groups.reduce((n, g) => n + f(g), 0);
    const bytes = sum(g => g.bytes);
    const manifests = `${sum(g => (g.manifest === 'copied' ? 1 : 0))} copied, ${sum(g => (g.manifest === 'present' ? 1 : 0))} there`;
    const tags = `${c.tags.written} signature/referrer tag(s) written, ${c.tags.present} there`;
    return [
        `<b>${(0, reference_1.imageName)(c.target)}</b>`,
        `<b>all</b> (${tags})`,
        manifests,
        String(sum(g => g.blobs.uploaded + g.blobs.mounted)),
        String(sum(g => g.blobs.present)),
        bytes ? (0, progress_1.formatBytes)(bytes) : '-',
        seconds(c.ms),
        (0, progress_1.formatRate)(bytes, c.ms)
    ];
}
/** The table's rows: each group of each target, then the target's total. */
function promoteRows(copies) {
    return copies.flatMap(c => [...c.groups.map(g => groupRow((0, reference_1.imageName)(c.target), g)), totalRow(c)]);
}
async function writePromoteSummary(s) {
    const head = ['Target', 'Content', 'Manifest', 'Blobs copied', 'Blobs already there', 'Bytes sent', 'Time', 'Throughput'];
    const rows = promoteRows(s.copies);
    core.summary
        .addHeading('Promoted image', 2)
        .addRaw(`<p><b>Source:</b> <code>${s.source}</code> = <code>${s.digest}</code><br>`)
        .addRaw(`<b>Time:</b> ${seconds(s.ms)}</p>`)
        .addHeading('Tags', 3)
        .addList(s.refs.length > 0 ? s.refs.map(t => `<code>${t}</code>`) : ['none'])
        .addHeading('Copied', 3)
        .addTable([head.map(data => ({ data, header: true })), ...rows]);
    await core.summary.write();
}


/***/ })

};
;