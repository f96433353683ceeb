/**
 * Layer `sign`: the SLSA v1 provenance of a published index: the statement (the index digest under
 * each tag), its predicate (keyless: from the job's verified token claims, through @actions/attest;
 * with a key: from the run's environment; its source the ref and commit built), and recording it
 * with GitHub's artifact attestations.
 */
import { bundleToJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { SLSA_PROVENANCE_V1, statement, subjectOf } from './payloads';
import { TokenClaims } from './identity';

const GITHUB_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

/** The run, as the runner's environment describes it (a key signer has no token claims). */
export interface RunDescription {
  serverUrl: string;
  repository: string;
  ref: string;
  sha: string;
  /** owner/repo/.github/workflows/file.yml@ref */
  workflowRef: string;
  eventName: string;
  runId: string;
  runAttempt: string;
}

export function describeRun(env: NodeJS.ProcessEnv = process.env): RunDescription {
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
 * The code the run built: its ref and commit. Not always GITHUB_REF and GITHUB_SHA (nor the token's
 * ref and sha claims, which are the same): a workflow_run runs on the default branch and builds the
 * triggering run's head_sha (inputs/event.ts).
 */
export interface BuiltSource {
  ref: string;
  sha: string;
}

interface Predicate {
  buildDefinition: { resolvedDependencies?: object[] } & Record<string, unknown>;
}

/**
 * The predicate with the built code as its source (resolvedDependencies): the workflow (external
 * parameters, builder) stays the one that ran, the source is what it built.
 */
export function withBuiltSource<P extends object>(predicate: P, serverUrl: string, repository: string, source: BuiltSource): P {
  const p = predicate as P & Predicate;
  const dependency = { uri: `git+${serverUrl}/${repository}@${source.ref}`, digest: { gitCommit: source.sha } };
  return { ...p, buildDefinition: { ...p.buildDefinition, resolvedDependencies: [dependency] } };
}

/** The GitHub Actions workflow build type's predicate, from the environment (key signers). */
export function environmentPredicate(run: RunDescription): object {
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
export async function provenancePredicate(run: RunDescription, claims: TokenClaims | undefined, source: BuiltSource): Promise<object> {
  const of = async (): Promise<object> => {
    if (!claims) return environmentPredicate(run);
    const { buildSLSAProvenancePredicate } = await import('@actions/attest');
    return (await buildSLSAProvenancePredicate(claims.iss)).params;
  };
  return withBuiltSource(await of(), run.serverUrl, run.repository, source);
}

/** The statement: the index digest, once per published reference (tags included). */
export function provenanceStatement(refs: string[], digest: string, predicate: object): Buffer {
  return statement(
    refs.map(ref => subjectOf(ref, digest)),
    SLSA_PROVENANCE_V1,
    predicate
  );
}

/** POSTs the bundle to the repository's artifact attestations (what `gh attestation verify` reads); returns its id. */
export async function recordWithGitHub(bundle: Bundle, api: { apiUrl: string; repository: string; token: string }): Promise<string> {
  const res = await fetch(`${api.apiUrl}/repos/${api.repository}/attestations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${api.token}`, Accept: 'application/vnd.github+json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ bundle: bundleToJSON(bundle) })
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`recording the attestation with GitHub: HTTP ${res.status} ${text.slice(0, 200)}`);
  return String((JSON.parse(text) as { id?: number | string }).id ?? '');
}
