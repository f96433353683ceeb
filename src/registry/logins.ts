/**
 * The run's logins with their passwords: given ones as they are, ECR ones asked of the ECR API
 * (all at once), each masked before it is returned.
 */
import * as core from '@actions/core';
import { PlannedLogin, RegistryLogin } from '../policy/logins';
import { EcrTokenSource, askEcr, ecrCredentials } from './ecr';

async function resolveOne(l: PlannedLogin, ask: EcrTokenSource): Promise<RegistryLogin> {
  const s = l.source;
  if (s.kind === 'password') return { registry: l.registry, username: s.username, password: s.password };
  core.info(
    `${l.registry}: asking ${s.ecr.public ? 'ECR Public' : 'ECR'} for a password (${l.from}${s.keys ? ', AWS keys given' : ", the environment's AWS credentials"})`
  );
  return { registry: l.registry, ...(await ecrCredentials(l.registry, s.ecr, s.keys, ask)) };
}

/** Every planned login's credentials; fails, naming the registry and the input, if one cannot be had. */
export async function resolveLogins(planned: readonly PlannedLogin[], ask: EcrTokenSource = askEcr): Promise<RegistryLogin[]> {
  const settled = await Promise.allSettled(planned.map(l => resolveOne(l, ask)));
  const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [`${planned[i].from}: ${(r.reason as Error).message}`] : []));
  if (failed.length > 0) throw new Error(`cannot log in, so nothing was pushed:\n  - ${failed.join('\n  - ')}`);
  return settled.map(r => (r as PromiseFulfilledResult<RegistryLogin>).value);
}
