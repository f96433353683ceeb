/**
 * What each mode demands of the inputs, in one table: a new mode cannot compile without its
 * entry. The mode's runner is in `modes/`.
 */
import { Inputs, Mode } from '../inputs/inputs';
import { sourceProblem } from './promote';

export interface ModeChecks {
  /** The run pushes (the trust decision). */
  push: boolean;
  /** The Actions runtime (artifacts) is reachable. */
  actionsRuntime: boolean;
  /** The commit the run is for ('' when none). */
  commit?: string;
}

type ModeRule = (i: Inputs, run: ModeChecks) => string[];

/** Leg records travel through artifacts on GitHub, else through a shared directory. */
function handoffProblems(mode: Mode): ModeRule {
  return (i, run) =>
    run.push && i.handoffDir === '' && !run.actionsRuntime
      ? [
          `handoff-dir: a ${mode} off GitHub Actions hands leg records over through a directory the legs and the merge share; set handoff-dir`
        ]
      : [];
}

function legProblems(i: Inputs): string[] {
  const out: string[] = [];
  if (i.platforms.length > 1)
    out.push(
      `platforms: ${JSON.stringify(i.platforms.join(','))} must name exactly one platform in leg mode (the plan gives each leg one)`
    );
  if (i.tags.length > 0) out.push('tags: a leg pushes by digest only; give tags (or tag-rules) to the merge step');
  if (i.outputs.length > 0 || i.load) out.push('outputs/load: a leg pushes by digest to the registry; they do not apply');
  return out;
}

/** A promotion copies what was published: it builds nothing. */
function promoteProblems(i: Inputs, run: ModeChecks): string[] {
  const out: string[] = [];
  const source = sourceProblem(i.source, run.commit ?? '');
  if (source) out.push(source);
  if (i.outputs.length > 0 || i.load || i.smokeTest.length > 0) {
    out.push('outputs/load/smoke-test: mode: promote copies an image already published and builds nothing; they do not apply');
  }
  const signing = [i.sign && 'sign', i.attest && 'attest'].filter(Boolean).join(', ');
  if (signing) {
    out.push(
      `${signing}: mode: promote signs nothing; it copies the signatures and attestations the source already has ` +
        '(they still verify: the digests do not change). Sign where the image is built, and drop sign/attest from the promote step'
    );
  }
  return out;
}

const MODE_RULES = {
  build: () => [],
  plan: () => [],
  leg: (i, run) => [...legProblems(i), ...handoffProblems('leg')(i, run)],
  merge: handoffProblems('merge'),
  promote: promoteProblems
} satisfies Record<Mode, ModeRule>;

/** The problems of the inputs for the mode they select. */
export function modeProblems(i: Inputs, run: ModeChecks): string[] {
  const misplaced = i.mode !== 'promote' && i.source !== undefined ? [`source: only mode: promote reads it (mode is ${i.mode})`] : [];
  return [...misplaced, ...MODE_RULES[i.mode](i, run)];
}
