"use strict";
exports.id = 605;
exports.ids = [605];
exports.modules = {

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

/***/ 42935:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.describeRun = describeRun;
exports.withBuiltSource = withBuiltSource;
exports.environmentPredicate = environmentPredicate;
exports.provenancePredicate = provenancePredicate;
exports.provenanceStatement = provenanceStatement;
exports.recordWithGitHub = recordWithGitHub;
/**
 * Layer `sign`: the SLSA v1 provenance of a published index: the statement (the index digest under
 * each tag), its predicate (keyless: from the job's verified token claims, through @actions/attest;
 * with a key: from the run's environment; its source the ref and commit built), and recording it
 * with GitHub's artifact attestations.
 */
const bundle_1 = __webpack_require__(61040);
const payloads_1 = __webpack_require__(14686);
const GITHUB_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';
function describeRun(env = process.env) {
    return {
        serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
        repository: env.GITHUB_REPOSITORY ?? '',
        ref: env.GITHUB_REF ?? '',
        sha: env.GITHUB_SHA ?? '',
        workflowRef: env.GITHUB_WORKFLOW_REF ?? '',
        eventName: env.GITHUB_EVENT_NAME ?? '',
        runId: env.GITHUB_RUN_ID ?? '',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1'
    };
}
/**
 * The predicate with the built code as its source (resolvedDependencies): the workflow (external
 * parameters, builder) stays the one that ran, the source is what it built.
 */
function withBuiltSource(predicate, serverUrl, repository, source) {
    const p = predicate;
    const dependency = { uri: `git+${serverUrl}/${repository}@${source.ref}`, digest: { gitCommit: source.sha } };
    return { ...p, buildDefinition: { ...p.buildDefinition, resolvedDependencies: [dependency] } };
}
/** The GitHub Actions workflow build type's predicate, from the environment (key signers). */
function environmentPredicate(run) {
    const [workflowPath] = run.workflowRef.replace(`${run.repository}/`, '').split('@');
    return {
        buildDefinition: {
            buildType: GITHUB_BUILD_TYPE,
            externalParameters: { workflow: { ref: run.ref, repository: `${run.serverUrl}/${run.repository}`, path: workflowPath } },
            internalParameters: { github: { event_name: run.eventName } },
            resolvedDependencies: [{ uri: `git+${run.serverUrl}/${run.repository}@${run.ref}`, digest: { gitCommit: run.sha } }]
        },
        runDetails: {
            builder: { id: `${run.serverUrl}/${run.workflowRef}` },
            metadata: { invocationId: `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}` }
        }
    };
}
/**
 * Keyless: @actions/attest builds the predicate from the token's claims, checked against the
 * issuer's keys; with a key, from the environment. Either way its source is the code built.
 */
async function provenancePredicate(run, claims, source) {
    const of = async () => {
        if (!claims)
            return environmentPredicate(run);
        const { buildSLSAProvenancePredicate } = await Promise.all(/* import() */[__webpack_require__.e(931), __webpack_require__.e(251), __webpack_require__.e(485)]).then(__webpack_require__.bind(__webpack_require__, 11485));
        return (await buildSLSAProvenancePredicate(claims.iss)).params;
    };
    return withBuiltSource(await of(), run.serverUrl, run.repository, source);
}
/** The statement: the index digest, once per published reference (tags included). */
function provenanceStatement(refs, digest, predicate) {
    return (0, payloads_1.statement)(refs.map(ref => (0, payloads_1.subjectOf)(ref, digest)), payloads_1.SLSA_PROVENANCE_V1, predicate);
}
/** POSTs the bundle to the repository's artifact attestations (what `gh attestation verify` reads); returns its id. */
async function recordWithGitHub(bundle, api) {
    const res = await fetch(`${api.apiUrl}/repos/${api.repository}/attestations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.token}`, Accept: 'application/vnd.github+json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ bundle: (0, bundle_1.bundleToJSON)(bundle) })
    });
    const text = await res.text();
    if (!res.ok)
        throw new Error(`recording the attestation with GitHub: HTTP ${res.status} ${text.slice(0, 200)}`);
    return String(JSON.parse(text).id ?? '');
}


/***/ }),

/***/ 57879:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.cosignVerifyCommand = cosignVerifyCommand;
exports.ghAttestationCommand = ghAttestationCommand;
function quote(value) {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
function cosignVerifyCommand(image, plan, expected) {
    const args = ['cosign', 'verify'];
    if (expected.method === 'key')
        args.push('--key', 'cosign.pub');
    else
        args.push('--certificate-identity', quote(expected.identity), '--certificate-oidc-issuer', quote(expected.issuer), 
        // The identity names the workflow file; a reusable workflow's is the same for every caller.
        '--certificate-github-workflow-repository', quote(expected.repository));
    // GitHub's instance: the bundle (with its timestamp) against GitHub's root, from `gh attestation trusted-root`.
    if (plan.services.instance === 'github')
        args.push('--new-bundle-format', '--trusted-root', 'github-trusted-root.json');
    if (!plan.transparencyLog)
        args.push('--insecure-ignore-tlog=true');
    return [...args, quote(image)].join(' ');
}
/** gh checks `--repo` against the certificate's source repository: the caller's, not the (reusable) workflow's. */
function ghAttestationCommand(image, repository, expected) {
    const args = ['gh', 'attestation', 'verify', quote(`oci://${image}`), '--repo', quote(repository)];
    if (expected.method === 'keyless')
        args.push('--signer-workflow', quote(expected.identity.replace(/^https?:\/\/[^/]+\//, '').replace(/@.*$/, '')));
    return args.join(' ');
}


/***/ }),

/***/ 27435:
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
exports.CertifiedSigner = void 0;
exports.sigstoreToken = sigstoreToken;
exports.tokenClaims = tokenClaims;
exports.expectedIdentity = expectedIdentity;
/**
 * Layer `sign`: the keyless identity. The job's OIDC token (audience `sigstore`, masked at once)
 * buys a short-lived Fulcio certificate for an ephemeral key; one certificate signs every manifest
 * of the run, so a run asks Fulcio once.
 */
const core = __importStar(__webpack_require__(37484));
const sign_1 = __webpack_require__(15179);
const keys_1 = __webpack_require__(82821);
async function sigstoreToken() {
    const token = await core.getIDToken('sigstore');
    core.setSecret(token);
    return token;
}
/** Reads a JWT's claims (no signature check: the token came from this job's runner, and Fulcio checks it). */
function tokenClaims(token) {
    const part = token.split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (!claims.iss || !claims.sub)
        throw new Error('the OIDC token has no iss or sub claim');
    return claims;
}
/**
 * The identity Fulcio puts in the certificate of a GitHub Actions token: the URL of the job's
 * workflow file at its ref (for a reusable workflow, the reusable workflow's), the token's issuer,
 * and the repository whose run this is (`repository`: GITHUB_REPOSITORY, the caller's).
 */
function expectedIdentity(claims, serverUrl, repository) {
    const ref = claims.job_workflow_ref ?? claims.workflow_ref;
    return {
        identity: ref ? `${serverUrl}/${ref}` : claims.sub,
        issuer: claims.iss,
        repository,
        repositoryUri: `${serverUrl}/${repository}`
    };
}
/** Signs with an ephemeral key certified once by Fulcio; later signatures reuse the certificate. */
class CertifiedSigner {
    keyHolder = new keys_1.KeySigner((0, keys_1.ephemeralKey)());
    certificate;
    fulcio;
    constructor(fulcioBaseURL, token) {
        this.fulcio = new sign_1.FulcioSigner({
            fulcioBaseURL,
            keyHolder: this.keyHolder,
            identityProvider: { getToken: () => Promise.resolve(token) }
        });
    }
    async sign(data) {
        this.certificate ??= this.fulcio.sign(Buffer.alloc(0)).then(s => (s.key.$case === 'x509Certificate' ? s.key.certificate : ''));
        const certificate = await this.certificate;
        if (!certificate)
            throw new Error('Fulcio returned no certificate');
        const { signature } = await this.keyHolder.sign(data);
        return { signature, key: { $case: 'x509Certificate', certificate } };
    }
}
exports.CertifiedSigner = CertifiedSigner;


/***/ }),

/***/ 94605:
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
exports.signAndVerify = signAndVerify;
/**
 * Layer `sign`, its entry point (loaded by dynamic import, only by runs that sign): signs every
 * manifest a run publishes in both stored formats, attests the index, reads everything back from
 * each repository and verifies it as a consumer would, and only then lets the caller move tags.
 */
const core = __importStar(__webpack_require__(37484));
const reference_1 = __webpack_require__(62148);
const attestation_1 = __webpack_require__(42935);
const commands_1 = __webpack_require__(57879);
const payloads_1 = __webpack_require__(14686);
const signer_1 = __webpack_require__(92227);
const store_1 = __webpack_require__(25704);
const trusted_root_1 = __webpack_require__(21903);
const verify_1 = __webpack_require__(72132);
async function signManifest(job, s, d) {
    const payload = (0, payloads_1.simpleSigningPayload)(job.images[0], d.digest);
    const message = await s.message.create({ data: payload });
    const dsse = await s.dsse.create({ data: (0, payloads_1.imageSignatureStatement)(job.images[0], d.digest), type: payloads_1.INTOTO_PAYLOAD_TYPE });
    for (const image of job.images) {
        await (0, store_1.storeCosignSignature)(job.registry, (0, reference_1.repoOf)(image), d.digest, payload, message);
        await (0, store_1.storeBundle)(job.registry, (0, reference_1.repoOf)(image), d, dsse, payloads_1.COSIGN_SIGN_PREDICATE);
    }
}
async function attestTop(job, s) {
    const predicate = await (0, attestation_1.provenancePredicate)((0, attestation_1.describeRun)(), s.claims, job.source);
    const bundle = await s.dsse.create({ data: (0, attestation_1.provenanceStatement)(job.refs, job.top.digest, predicate), type: payloads_1.INTOTO_PAYLOAD_TYPE });
    for (const image of job.images)
        await (0, store_1.storeBundle)(job.registry, (0, reference_1.repoOf)(image), job.top, bundle, payloads_1.SLSA_PROVENANCE_V1);
    return bundle;
}
async function verifyManifest(job, image, d, check, s) {
    const repo = (0, reference_1.repoOf)(image);
    const [cosign, bundle] = await Promise.all([
        (0, verify_1.verifyCosignSignature)(job.registry, repo, d.digest, check, s.expected),
        (0, verify_1.verifyReferrerBundle)(job.registry, repo, d.digest, payloads_1.COSIGN_SIGN_PREDICATE, check)
    ]);
    return { cosign, bundle };
}
/** Every signature in every repository, read back at once; the first repository's digests are reported. */
async function verifyAll(job, check, s, report) {
    const manifests = job.plan.signManifests ? job.manifests : [];
    const signatures = job.images.map(image => Promise.all(manifests.map(d => verifyManifest(job, image, d, check, s))));
    const attestations = job.plan.attest
        ? job.images.map(image => (0, verify_1.verifyReferrerBundle)(job.registry, (0, reference_1.repoOf)(image), job.top.digest, payloads_1.SLSA_PROVENANCE_V1, check))
        : [];
    const [found, attested] = await Promise.all([Promise.all(signatures), Promise.all(attestations)]);
    manifests.forEach((d, i) => (report.signatures[d.digest] = found[0][i]));
    report.attestation = attested[0];
}
function commands(job, s) {
    const image = `${job.images[0]}@${job.top.digest}`;
    const out = job.plan.signManifests ? [(0, commands_1.cosignVerifyCommand)(image, job.plan, s.expected)] : [];
    if (job.plan.attest)
        out.push((0, commands_1.ghAttestationCommand)(image, job.github.repository, s.expected));
    return out;
}
async function signAndVerify(job) {
    const s = await (0, signer_1.prepareSigning)(job.plan, job.secrets);
    const material = await (0, trusted_root_1.trustMaterialFor)(job.plan.services, s.expected, job.cacheDir);
    if (job.plan.signManifests)
        await Promise.all(job.manifests.map(d => signManifest(job, s, d)));
    const attestation = job.plan.attest ? await attestTop(job, s) : undefined;
    const report = { signatures: {}, commands: commands(job, s) };
    const check = (0, verify_1.bundleCheck)(material, s.expected, { tlog: job.plan.transparencyLog, tsa: Boolean(job.plan.services.tsa) });
    await verifyAll(job, check, s, report);
    if (s.expected.method === 'key')
        report.publicKey = s.expected.key.publicKeyPem;
    else
        report.identity = { identity: s.expected.identity, issuer: s.expected.issuer, repository: s.expected.repository };
    if (attestation && s.expected.method === 'keyless' && job.github.onGitHub) {
        report.attestationId = await (0, attestation_1.recordWithGitHub)(attestation, job.github);
        core.info(`Attestation recorded with GitHub (id ${report.attestationId})`);
    }
    return report;
}


/***/ }),

/***/ 82821:
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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.KeySigner = void 0;
exports.readSigningKey = readSigningKey;
exports.publicPart = publicPart;
exports.ephemeralKey = ephemeralKey;
/**
 * Layer `sign`: the user's signing key. A cosign private key (cosign generate-key-pair) is a PEM
 * whose body is JSON: a scrypt-derived key and a NaCl secretbox around the PKCS#8 key. It is
 * decrypted in memory only; the key and its password are masked by the inputs.
 */
const crypto = __importStar(__webpack_require__(76982));
const tweetnacl_1 = __importDefault(__webpack_require__(80668));
function pemBody(pem) {
    const m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
    if (!m)
        throw new Error('signing-key: no PEM block found');
    return { label: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}
function decrypt(envelope, password) {
    if (envelope.kdf.name !== 'scrypt' || envelope.cipher.name !== 'nacl/secretbox')
        throw new Error(`signing-key: unsupported encryption ${envelope.kdf.name}/${envelope.cipher.name}`);
    const { N, r, p } = envelope.kdf.params;
    const secret = crypto.scryptSync(password, Buffer.from(envelope.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r + 1024 });
    const opened = tweetnacl_1.default.secretbox.open(Buffer.from(envelope.ciphertext, 'base64'), Buffer.from(envelope.cipher.nonce, 'base64'), secret);
    if (!opened)
        throw new Error('signing-key: the password does not open this key');
    return Buffer.from(opened);
}
/** Reads a cosign key (encrypted, as cosign writes it, or a plain PKCS#8 one) with its password. */
function readSigningKey(pem, password) {
    const { label, body } = pemBody(pem);
    const der = label.startsWith('ENCRYPTED') ? decrypt(JSON.parse(body.toString('utf8')), password) : body;
    const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return publicPart(privateKey);
}
function publicPart(privateKey) {
    const publicKey = crypto.createPublicKey(privateKey);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return { privateKey, publicKey, publicKeyPem, hint: crypto.createHash('sha256').update(spki).digest('hex') };
}
/** Signs with a key held in memory (the user's, or a keyless run's ephemeral one): ECDSA over SHA-256. */
class KeySigner {
    key;
    constructor(key) {
        this.key = key;
    }
    sign(data) {
        const signature = crypto.sign('sha256', data, this.key.privateKey);
        return Promise.resolve({ signature, key: { $case: 'publicKey', publicKey: this.key.publicKeyPem, hint: this.key.hint } });
    }
}
exports.KeySigner = KeySigner;
function ephemeralKey() {
    return publicPart(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}


/***/ }),

/***/ 14686:
/***/ ((__unused_webpack_module, exports) => {


/**
 * Layer `sign`: signing and attesting what a run publishes, with Sigstore. This module writes the
 * payloads that get signed: cosign's simple-signing payload (what cosign 2.x verifies) and in-toto
 * statements (cosign 3's image signature and the SLSA provenance).
 */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SLSA_PROVENANCE_V1 = exports.COSIGN_SIGN_PREDICATE = exports.INTOTO_STATEMENT_V1 = exports.INTOTO_PAYLOAD_TYPE = exports.SIMPLE_SIGNING_MEDIA_TYPE = void 0;
exports.simpleSigningPayload = simpleSigningPayload;
exports.subjectOf = subjectOf;
exports.statement = statement;
exports.imageSignatureStatement = imageSignatureStatement;
exports.signedDigests = signedDigests;
exports.SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
exports.INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
exports.INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** The predicate cosign 3 signs an image with (an empty predicate about the image digest). */
exports.COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
exports.SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
function simpleSigningPayload(image, digest) {
    const payload = {
        critical: {
            identity: { 'docker-reference': image },
            image: { 'docker-manifest-digest': digest },
            type: 'cosign container image signature'
        },
        optional: null
    };
    return Buffer.from(JSON.stringify(payload));
}
function subjectOf(name, digest) {
    const [algorithm, hex] = digest.split(':');
    return { name, digest: { [algorithm]: hex } };
}
function statement(subjects, predicateType, predicate) {
    const s = { _type: exports.INTOTO_STATEMENT_V1, subject: subjects, predicateType, predicate };
    return Buffer.from(JSON.stringify(s));
}
/** The statement cosign 3 signs for an image: no claims beyond the digest. */
function imageSignatureStatement(image, digest) {
    return statement([subjectOf(image, digest)], exports.COSIGN_SIGN_PREDICATE, {});
}
/** The digest a signed payload is about: simple signing's manifest digest, or a statement's subjects. */
function signedDigests(payload) {
    const json = JSON.parse(payload.toString('utf8'));
    if (json.critical)
        return [json.critical.image['docker-manifest-digest']];
    return (json.subject ?? []).flatMap(s => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
}


/***/ }),

/***/ 92227:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.prepareSigning = prepareSigning;
/**
 * Layer `sign`: how this run signs, from the plan: the signer (the user's key, or an ephemeral key
 * certified by Fulcio), the witnesses (a Rekor entry, an RFC 3161 timestamp), and the two bundle
 * builders: message signatures (cosign 2.x) and DSSE envelopes (statements).
 */
const sign_1 = __webpack_require__(15179);
const identity_1 = __webpack_require__(27435);
const keys_1 = __webpack_require__(82821);
function witnesses(plan) {
    const out = [];
    if (plan.transparencyLog && plan.services.rekor)
        out.push(new sign_1.RekorWitness({ rekorBaseURL: plan.services.rekor, fetchOnConflict: true }));
    if (plan.services.tsa)
        out.push(new sign_1.TSAWitness({ tsaBaseURL: plan.services.tsa }));
    return out;
}
async function signerFor(plan, s) {
    if (plan.method === 'key') {
        const key = (0, keys_1.readSigningKey)(s.signingKey ?? '', s.signingKeyPassword ?? '');
        return { signer: new keys_1.KeySigner(key), expected: { method: 'key', key } };
    }
    const token = await (0, identity_1.sigstoreToken)();
    const claims = (0, identity_1.tokenClaims)(token);
    const signer = new identity_1.CertifiedSigner(plan.services.fulcio ?? '', token);
    return { signer, expected: { method: 'keyless', ...(0, identity_1.expectedIdentity)(claims, s.serverUrl, s.repository) }, claims };
}
async function prepareSigning(plan, secrets) {
    const { signer, expected, claims } = await signerFor(plan, secrets);
    const options = { signer, witnesses: witnesses(plan) };
    return { message: new sign_1.MessageSignatureBundleBuilder(options), dsse: new sign_1.DSSEBundleBuilder(options), expected, claims };
}


/***/ }),

/***/ 25704:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.EMPTY_CONFIG = exports.BUNDLE_MEDIA_TYPE = exports.COSIGN_ANNOTATIONS = void 0;
exports.signatureTag = signatureTag;
exports.bundleCertificate = bundleCertificate;
exports.cosignAnnotations = cosignAnnotations;
exports.storeCosignSignature = storeCosignSignature;
exports.storeBundle = storeBundle;
/**
 * Layer `sign`: where signatures are stored so verifiers find them.
 * - cosign 2.x: the tag `sha256-<hex>.sig` beside the image, an OCI manifest with one layer per
 *   signature: the simple-signing payload, annotated with the signature, certificate, Rekor bundle
 *   and RFC 3161 timestamp. A new signature is added to the layers already there.
 * - Sigstore bundles (cosign 3, gh, other bundle-aware verifiers): an OCI 1.1 referrer of the
 *   image whose one layer is the bundle, found through the referrers API or its tag schema.
 */
const bundle_1 = __webpack_require__(61040);
const digest_1 = __webpack_require__(68825);
const manifest_1 = __webpack_require__(32060);
const referrers_1 = __webpack_require__(9191);
const payloads_1 = __webpack_require__(14686);
exports.COSIGN_ANNOTATIONS = {
    signature: 'dev.cosignproject.cosign/signature',
    certificate: 'dev.sigstore.cosign/certificate',
    chain: 'dev.sigstore.cosign/chain',
    bundle: 'dev.sigstore.cosign/bundle',
    timestamp: 'dev.sigstore.cosign/rfc3161timestamp'
};
exports.BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
exports.EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
/** cosign 2.x's signature tag of a digest, `sha256-<hex>.sig`. */
function signatureTag(digest) {
    return (0, referrers_1.cosignTag)(digest, 'sig');
}
function pem(der) {
    const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
/** The leaf certificate of a bundle, as PEM, or undefined for a key. */
function bundleCertificate(bundle) {
    const m = bundle.verificationMaterial.content;
    if (m.$case === 'certificate')
        return pem(m.certificate.rawBytes);
    if (m.$case === 'x509CertificateChain')
        return pem(m.x509CertificateChain.certificates[0].rawBytes);
    return undefined;
}
/** cosign's own Rekor bundle annotation, from the bundle's transparency-log entry. */
function rekorAnnotation(bundle) {
    const entry = bundle.verificationMaterial.tlogEntries[0];
    if (!entry?.inclusionPromise)
        return undefined;
    return JSON.stringify({
        SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp.toString('base64'),
        Payload: {
            body: entry.canonicalizedBody.toString('base64'),
            integratedTime: Number(entry.integratedTime),
            logIndex: Number(entry.logIndex),
            logID: entry.logId.keyId.toString('hex')
        }
    });
}
function timestampAnnotation(bundle) {
    const ts = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0];
    return ts ? JSON.stringify({ SignedRFC3161Timestamp: ts.signedTimestamp.toString('base64') }) : undefined;
}
/** The annotations of a signature layer: cosign's names for what the bundle holds. */
function cosignAnnotations(bundle) {
    if (bundle.content.$case !== 'messageSignature')
        throw new Error('a cosign signature is a message signature');
    const values = [
        [exports.COSIGN_ANNOTATIONS.signature, bundle.content.messageSignature.signature.toString('base64')],
        [exports.COSIGN_ANNOTATIONS.certificate, bundleCertificate(bundle)],
        [exports.COSIGN_ANNOTATIONS.bundle, rekorAnnotation(bundle)],
        [exports.COSIGN_ANNOTATIONS.timestamp, timestampAnnotation(bundle)]
    ];
    return Object.fromEntries(values.filter((v) => v[1] !== undefined));
}
/** The signature layers already under the tag (an earlier run's, another signer's), kept beside the new one. */
async function existingLayers(registry, repo, tag) {
    const m = await registry.findManifest(repo, tag);
    return (m?.json.layers ?? []).filter(l => l.mediaType === payloads_1.SIMPLE_SIGNING_MEDIA_TYPE);
}
function cosignConfig(layers) {
    const config = {
        architecture: '',
        os: '',
        created: '0001-01-01T00:00:00Z',
        config: {},
        rootfs: { type: 'layers', diff_ids: layers.map(l => l.digest) }
    };
    return Buffer.from(JSON.stringify(config));
}
/** Stores a message-signature bundle over `payload` under the image's `.sig` tag; returns that manifest's digest. */
async function storeCosignSignature(registry, repo, subject, payload, bundle) {
    const tag = signatureTag(subject);
    const layer = { mediaType: payloads_1.SIMPLE_SIGNING_MEDIA_TYPE, digest: await registry.putBlob(repo, payload), size: payload.length };
    layer.annotations = cosignAnnotations(bundle);
    const kept = (await existingLayers(registry, repo, tag)).filter(l => l.annotations?.[exports.COSIGN_ANNOTATIONS.signature] !== layer.annotations?.[exports.COSIGN_ANNOTATIONS.signature]);
    const layers = [...kept, layer];
    const config = cosignConfig(layers);
    await registry.putBlob(repo, config);
    const manifest = {
        schemaVersion: 2,
        mediaType: manifest_1.MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: (0, digest_1.sha256Digest)(config), size: config.length },
        layers
    };
    return registry.putManifest(repo, tag, Buffer.from(JSON.stringify(manifest)), manifest_1.MEDIA_TYPES.ociManifest);
}
/** Attaches a DSSE bundle to `subject` as an OCI 1.1 referrer, annotated as cosign 3 does. */
async function storeBundle(registry, repo, subject, bundle, predicateType) {
    const bytes = Buffer.from(JSON.stringify((0, bundle_1.bundleToJSON)(bundle)));
    if (!(await registry.hasBlob(repo, (0, digest_1.sha256Digest)(exports.EMPTY_CONFIG.bytes))))
        await registry.putBlob(repo, exports.EMPTY_CONFIG.bytes);
    const layer = { mediaType: exports.BUNDLE_MEDIA_TYPE, digest: await registry.putBlob(repo, bytes), size: bytes.length };
    const annotations = {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType,
        'org.opencontainers.image.created': new Date().toISOString()
    };
    const manifest = {
        schemaVersion: 2,
        mediaType: manifest_1.MEDIA_TYPES.ociManifest,
        artifactType: exports.BUNDLE_MEDIA_TYPE,
        config: { mediaType: exports.EMPTY_CONFIG.mediaType, digest: (0, digest_1.sha256Digest)(exports.EMPTY_CONFIG.bytes), size: exports.EMPTY_CONFIG.bytes.length },
        layers: [layer],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations
    };
    const referrer = {
        bytes: Buffer.from(JSON.stringify(manifest)),
        mediaType: manifest_1.MEDIA_TYPES.ociManifest,
        artifactType: exports.BUNDLE_MEDIA_TYPE,
        annotations
    };
    return (0, referrers_1.attachReferrer)(registry, repo, subject.digest, referrer);
}


/***/ }),

/***/ 21903:
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
exports.trustMaterialFor = trustMaterialFor;
/**
 * Layer `sign`: what a verification trusts. A trusted_root.json named in `sigstore`; public-good
 * Sigstore's root through its TUF repository (as cosign and gh get it); otherwise (GitHub's
 * instance, a private one) the CA and timestamp chains the services themselves publish.
 */
const core = __importStar(__webpack_require__(37484));
const fs = __importStar(__webpack_require__(79896));
const path = __importStar(__webpack_require__(16928));
const protobuf_specs_1 = __webpack_require__(19654);
const verify_1 = __webpack_require__(54187);
const TRUSTED_ROOT_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
function derOfPems(text) {
    return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(m => m[1].replace(/\s+/g, ''));
}
function authority(uri, certificates) {
    return {
        uri,
        subject: {},
        certChain: { certificates: certificates.map(rawBytes => ({ rawBytes })) },
        validFor: { start: '1970-01-01T00:00:00Z' }
    };
}
async function getText(url) {
    const res = await fetch(url);
    if (!res.ok)
        throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res.text();
}
/** The services' own chains: Fulcio's trust bundle and the timestamp authority's chain. */
async function publishedChains(s) {
    const cas = s.fulcio
        ? JSON.parse(await getText(`${s.fulcio}/api/v2/trustBundle`)).chains
        : [];
    const tsa = s.tsa ? derOfPems(await getText(`${s.tsa}/api/v1/timestamp/certchain`)) : [];
    core.info(`Verifying against the CA${s.tsa ? ' and timestamp' : ''} chains ${s.fulcio ?? s.tsa} publishes (${s.instance} Sigstore has no TUF root here)`);
    return protobuf_specs_1.TrustedRoot.fromJSON({
        ...EMPTY_ROOT,
        certificateAuthorities: cas.map(c => authority(s.fulcio ?? '', c.certificates.flatMap(derOfPems))),
        timestampAuthorities: tsa.length > 0 ? [authority(s.tsa ?? '', tsa)] : []
    });
}
const EMPTY_ROOT = { mediaType: TRUSTED_ROOT_TYPE, tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] };
async function trustedRoot(s, cacheDir) {
    // A key signer without a log or timestamp authority trusts its key alone.
    if (!s.fulcio && !s.rekor && !s.tsa && !s.trustedRoot)
        return protobuf_specs_1.TrustedRoot.fromJSON(EMPTY_ROOT);
    if (s.trustedRoot)
        return protobuf_specs_1.TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(s.trustedRoot, 'utf8')));
    if (s.instance === 'public-good') {
        const { getTrustedRoot } = await __webpack_require__.e(/* import() */ 694).then(__webpack_require__.bind(__webpack_require__, 84423));
        return getTrustedRoot({ cachePath: path.join(cacheDir, 'tuf') });
    }
    return publishedChains(s);
}
/** The trust material for this run's signer: the root, and for a key signer that key alone. */
async function trustMaterialFor(s, expected, cacheDir) {
    const root = await trustedRoot(s, cacheDir);
    if (expected.method !== 'key')
        return (0, verify_1.toTrustMaterial)(root);
    const { key } = expected;
    return (0, verify_1.toTrustMaterial)(root, hint => {
        if (hint !== key.hint)
            throw new Error(`signed with another key (${hint.slice(0, 12)}…), not the signing-key (${key.hint.slice(0, 12)}…)`);
        return { publicKey: key.publicKey, validFor: () => true };
    });
}


/***/ }),

/***/ 72132:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.OID_GITHUB_WORKFLOW_REPOSITORY = exports.OID_SOURCE_REPOSITORY_URI = void 0;
exports.certificateRepositories = certificateRepositories;
exports.checkSourceRepository = checkSourceRepository;
exports.bundleCheck = bundleCheck;
exports.bundleOfLayer = bundleOfLayer;
exports.verifyCosignSignature = verifyCosignSignature;
exports.verifyReferrerBundle = verifyReferrerBundle;
/**
 * Layer `sign`: reading signatures back from the registry and verifying them as a consumer would,
 * with @sigstore/verify: the certificate chain to a trusted CA, its identity and issuer (keyless)
 * or the signing key, the transparency-log entry or timestamp, and that the signed payload names
 * the digest. Any one valid signature by the expected signer passes (cosign's rule too).
 */
const bundle_1 = __webpack_require__(61040);
const verify_1 = __webpack_require__(54187);
const digest_1 = __webpack_require__(68825);
const referrers_1 = __webpack_require__(9191);
const payloads_1 = __webpack_require__(14686);
const store_1 = __webpack_require__(25704);
/** Fulcio's extensions naming the repository a GitHub run was based on (docs/oid-info.md in sigstore/fulcio). */
exports.OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';
exports.OID_GITHUB_WORKFLOW_REPOSITORY = '1.3.6.1.4.1.57264.1.5';
/**
 * The repository a Fulcio certificate names: the Source Repository URI (a DER UTF8String) and the
 * deprecated GitHub Workflow Repository (raw text), whichever are present.
 */
function certificateRepositories(cert) {
    const uri = cert.extension(exports.OID_SOURCE_REPOSITORY_URI);
    const raw = cert.extension(exports.OID_GITHUB_WORKFLOW_REPOSITORY);
    return {
        uri: uri ? (uri.valueObj.subs[0]?.value ?? uri.value).toString('utf8') : undefined,
        repository: raw?.value.toString('utf8')
    };
}
/**
 * The certificate names this run's repository (GitHub's names are case-insensitive). The SAN
 * names a workflow file, and a reusable workflow's is the same for every repository that calls it.
 */
function checkSourceRepository(cert, expected) {
    const { uri, repository } = certificateRepositories(cert);
    if (uri === undefined && repository === undefined)
        throw new Error(`the certificate names no source repository (expected ${expected.repositoryUri})`);
    const same = (a, b) => a.toLowerCase() === b.toLowerCase();
    if (uri !== undefined && !same(uri, expected.repositoryUri))
        throw new Error(`certificate source repository error - expected ${expected.repositoryUri}, got ${uri}`);
    if (repository !== undefined && !same(repository, expected.repository))
        throw new Error(`certificate workflow repository error - expected ${expected.repository}, got ${repository}`);
}
function bundleCheck(material, expected, thresholds) {
    const verifier = new verify_1.Verifier(material, {
        tlogThreshold: thresholds.tlog ? 1 : 0,
        tsaThreshold: thresholds.tsa ? 1 : 0,
        ctlogThreshold: material.ctlogs.length > 0 && expected.method === 'keyless' ? 1 : 0
    });
    const policy = expected.method === 'keyless' ? { subjectAlternativeName: expected.identity, extensions: { issuer: expected.issuer } } : {};
    return (bundle, artifact) => {
        const entity = (0, verify_1.toSignedEntity)(bundle, artifact);
        verifier.verify(entity, policy);
        if (expected.method === 'keyless') {
            if (entity.key.$case !== 'certificate')
                throw new Error('a keyless signature without a certificate');
            checkSourceRepository(entity.key.certificate, expected);
        }
    };
}
function derOfPem(text) {
    return Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
function tlogEntry(annotation) {
    if (!annotation)
        return [];
    const b = JSON.parse(annotation);
    return [
        {
            logIndex: String(b.Payload.logIndex),
            logId: { keyId: Buffer.from(b.Payload.logID, 'hex') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(b.Payload.integratedTime),
            inclusionPromise: { signedEntryTimestamp: Buffer.from(b.SignedEntryTimestamp, 'base64') },
            inclusionProof: undefined,
            canonicalizedBody: Buffer.from(b.Payload.body, 'base64')
        }
    ];
}
/** A bundle rebuilt from a cosign signature layer's annotations, for the same verifier. */
function bundleOfLayer(annotations, payload, expected) {
    const certificate = annotations[store_1.COSIGN_ANNOTATIONS.certificate];
    const bundle = (0, bundle_1.toMessageSignatureBundle)({
        digest: Buffer.from((0, digest_1.sha256Digest)(payload).slice('sha256:'.length), 'hex'),
        signature: Buffer.from(annotations[store_1.COSIGN_ANNOTATIONS.signature] ?? '', 'base64'),
        certificate: certificate ? derOfPem(certificate) : undefined,
        keyHint: certificate || expected.method !== 'key' ? undefined : expected.key.hint,
        certificateChain: true
    });
    bundle.verificationMaterial.tlogEntries = tlogEntry(annotations[store_1.COSIGN_ANNOTATIONS.bundle]);
    const ts = annotations[store_1.COSIGN_ANNOTATIONS.timestamp];
    if (ts) {
        const signedTimestamp = Buffer.from(JSON.parse(ts).SignedRFC3161Timestamp, 'base64');
        bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp }] };
    }
    return bundle;
}
/** Runs each candidate until one passes; else throws with every reason. */
async function anyPasses(what, candidates) {
    const reasons = [];
    for (const [i, check] of candidates.entries()) {
        try {
            await check();
            return i;
        }
        catch (e) {
            reasons.push(e.message);
        }
    }
    throw new Error(`${what}: ${candidates.length === 0 ? 'none found' : `no valid signature by the expected signer (${reasons.join('; ')})`}`);
}
/** The cosign 2.x signature of `digest` in `repo`: some layer of its `.sig` manifest verifies. */
async function verifyCosignSignature(registry, repo, digest, check, expected) {
    const manifest = await registry.findManifest(repo, (0, store_1.signatureTag)(digest));
    const layers = (manifest?.json.layers ?? []).filter(l => l.mediaType === payloads_1.SIMPLE_SIGNING_MEDIA_TYPE);
    await anyPasses(`${repo.repository}:${(0, store_1.signatureTag)(digest)}`, layers.map(l => async () => {
        const payload = await registry.getBlob(repo, l.digest);
        if (!(0, payloads_1.signedDigests)(payload).includes(digest))
            throw new Error(`a signature over ${(0, payloads_1.signedDigests)(payload).join(', ')}, not ${digest}`);
        check(bundleOfLayer(l.annotations ?? {}, payload, expected), payload);
    }));
    return manifest?.digest ?? '';
}
/** A DSSE bundle that refers to `digest` with a statement of `predicateType` about it. */
async function verifyReferrerBundle(registry, repo, digest, predicateType, check) {
    const referrers = (await (0, referrers_1.findReferrers)(registry, repo, digest, store_1.BUNDLE_MEDIA_TYPE)).filter(d => d.annotations?.['dev.sigstore.bundle.predicateType'] === predicateType);
    const passed = await anyPasses(`${predicateType} bundle for ${repo.repository}@${digest}`, referrers.map(d => () => checkReferrer(registry, repo, d, digest, predicateType, check)));
    return referrers[passed].digest;
}
async function checkReferrer(registry, repo, d, digest, predicateType, check) {
    const manifest = await registry.getManifest(repo, d.digest);
    const layer = manifest.json.layers?.find(l => l.mediaType === store_1.BUNDLE_MEDIA_TYPE);
    if (!layer)
        throw new Error(`referrer ${d.digest} holds no bundle`);
    const bundle = (0, bundle_1.bundleFromJSON)(JSON.parse((await registry.getBlob(repo, layer.digest)).toString('utf8')));
    if (bundle.content.$case !== 'dsseEnvelope' || bundle.content.dsseEnvelope.payloadType !== payloads_1.INTOTO_PAYLOAD_TYPE)
        throw new Error(`referrer ${d.digest} is no in-toto envelope`);
    const payload = bundle.content.dsseEnvelope.payload;
    const s = JSON.parse(payload.toString('utf8'));
    if (s.predicateType !== predicateType)
        throw new Error(`referrer ${d.digest} states ${s.predicateType}`);
    if (!(0, payloads_1.signedDigests)(payload).includes(digest))
        throw new Error(`a statement about ${(0, payloads_1.signedDigests)(payload).join(', ')}, not ${digest}`);
    check(bundle);
}


/***/ })

};
;