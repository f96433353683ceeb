/**
 * The base-image preflight's decisions, read from a Dockerfile's instructions (no I/O): which image
 * references the build pulls, for which platforms, and RUN lines that hard-code one architecture.
 * It follows BuildKit's Dockerfile frontend (moby/buildkit frontend/dockerfile/dockerfile2llb): global
 * ARGs, stage references and the stages the target needs. Each target platform is evaluated on its own,
 * as BuildKit does, since `FROM x:${TARGETARCH}` or `FROM build-${TARGETARCH}` name a different image
 * or stage per platform. Reading the text into instructions is src/dockerfile/'s.
 */
import { ArgDeclaration, Instruction, readDockerfile } from '../dockerfile/instructions';
import { formatPlatform, parsePlatform } from '../oci/platform';
import { parseReference } from '../oci/reference';

export interface BaseImage {
  /** The reference with ARGs substituted, as written after FROM (or COPY --from= / RUN --mount=from=). */
  image: string;
  /** 1-based line of the instruction (its first line when continued). */
  line: number;
  /** Platforms it must exist for: the target platforms, or the one it is pinned to. */
  platforms: string[];
}

export interface ArchWarning {
  line: number;
  arch: string;
  text: string;
}

export interface DockerfileBases {
  images: BaseImage[];
  warnings: ArchWarning[];
  problems: string[];
}

export interface DockerfileBasesOptions {
  buildArgs: Record<string, string>;
  targetPlatforms: string[];
  buildPlatform: string;
  target?: string;
}

// ---------------------------------------------------------------------------------------------
// Stages and global ARGs.

interface Stage {
  index: number;
  /** Lower-case, as BuildKit stores it. */
  name?: string;
  line: number;
  /** The FROM reference as written, variables unexpanded. */
  base: string;
  platform?: string;
  instructions: Instruction[];
}

interface Dockerfile {
  escape: string;
  globalArgs: ArgDeclaration[];
  stages: Stage[];
  problems: string[];
}

function parseDockerfile(text: string): Dockerfile {
  const { instructions, escape } = readDockerfile(text);
  const df: Dockerfile = { escape, globalArgs: [], stages: [], problems: [] };
  for (const instruction of instructions) {
    const current = df.stages.at(-1);
    if (instruction.keyword === 'FROM') df.stages.push(parseFrom(instruction, df.stages.length, df.problems));
    else if (current) current.instructions.push(instruction);
    else if (instruction.keyword === 'ARG') df.globalArgs.push(...instruction.declarations);
  }
  return df;
}

function parseFrom(from: Instruction, index: number, problems: string[]): Stage {
  const { words } = from;
  const named = words.length === 3 && words[1].toLowerCase() === 'as';
  if (words.length !== 1 && !named) problems.push(`line ${from.line}: FROM takes one image and optionally AS <name>: ${from.text}`);
  return {
    index,
    name: named ? words[2].toLowerCase() : undefined,
    line: from.line,
    base: words[0] ?? '',
    platform: flagValues(from, 'platform')[0],
    instructions: []
  };
}

function flagValues(instruction: Instruction, name: string): string[] {
  return instruction.flags.filter(f => f.name === name).map(f => f.value);
}

// ---------------------------------------------------------------------------------------------
// Variable substitution, as BuildKit's shell lexer does it for FROM.

type Env = Map<string, string>;

interface Expansion {
  value: string;
  /** Variables that were needed but not set, and substitutions this module does not support. */
  unset: string[];
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/;

function expand(word: string, env: Env, escape: string): Expansion {
  const out: Expansion = { value: '', unset: [] };
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === escape && quote !== "'" && i + 1 < word.length) out.value += word[++i];
    else if (c === quote || (!quote && (c === '"' || c === "'"))) quote = quote ? '' : c;
    else if (c === '$' && quote !== "'") i = appendVariable(word, i, env, escape, out) - 1;
    else out.value += c;
  }
  return out;
}

/** Appends the value of the variable starting at word[start] (a `$`); returns the index after it. */
function appendVariable(word: string, start: number, env: Env, escape: string, out: Expansion): number {
  if (word[start + 1] === '{') {
    const close = closingBrace(word, start + 2);
    if (close < 0) {
      out.value += '$';
      return start + 1;
    }
    const braced = bracedValue(word.slice(start + 2, close), env, escape);
    out.value += braced.value;
    out.unset.push(...braced.unset);
    return close + 1;
  }
  const name = VARIABLE_NAME.exec(word.slice(start + 1))?.[0];
  if (!name) {
    out.value += '$';
    return start + 1;
  }
  out.value += env.get(name) ?? '';
  if (!env.has(name)) out.unset.push(name);
  return start + 1 + name.length;
}

function closingBrace(word: string, from: number): number {
  let depth = 1;
  for (let i = from; i < word.length; i++) {
    if (word[i] === '{') depth++;
    else if (word[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `NAME`, `NAME:-word`, `NAME-word`, `NAME:+word`, `NAME+word`, `NAME:?msg`, `NAME?msg`. */
function bracedValue(inner: string, env: Env, escape: string): Expansion {
  const m = BRACED.exec(inner);
  if (!m) return { value: '', unset: [`\${${inner}}`] };
  const name = m[1];
  const operator = m[2] as string | undefined;
  const value = env.get(name);
  // With a colon, an empty value counts as unset.
  const present = operator?.startsWith(':') ? Boolean(value) : value !== undefined;
  const word = (): Expansion => expand(m[3] ?? '', env, escape);
  switch (operator?.replace(':', '')) {
    case '-':
      return present ? { value: value ?? '', unset: [] } : word();
    case '+':
      return present ? word() : { value: '', unset: [] };
    default:
      return present ? { value: value ?? '', unset: [] } : { value: '', unset: [name] };
  }
}

function automaticArgs(build: string, target: string, targetStage: string): Env {
  const b = parsePlatform(build);
  const t = parsePlatform(target);
  return new Map([
    ['BUILDPLATFORM', build],
    ['BUILDOS', b.os],
    ['BUILDARCH', b.architecture],
    ['BUILDVARIANT', b.variant ?? ''],
    ['TARGETPLATFORM', target],
    ['TARGETOS', t.os],
    ['TARGETARCH', t.architecture],
    ['TARGETVARIANT', t.variant ?? ''],
    ['TARGETSTAGE', targetStage]
  ]);
}

/**
 * What FROM lines see: the automatic platform args, then each global ARG in order. A build arg
 * overrides only an ARG the Dockerfile declares (or an automatic one), as in BuildKit.
 */
function globalScope(df: Dockerfile, opts: DockerfileBasesOptions, build: string, target: string): Env {
  const targetStage = opts.target || df.stages.at(-1)?.name || 'default';
  const env = automaticArgs(build, target, targetStage);
  const override = (name: string): string | undefined => (Object.hasOwn(opts.buildArgs, name) ? opts.buildArgs[name] : undefined);
  for (const [name, value] of env) env.set(name, override(name) ?? value);
  for (const arg of df.globalArgs) {
    const value = override(arg.name) ?? (arg.value === undefined ? undefined : expand(arg.value, env, df.escape).value);
    if (value !== undefined) env.set(arg.name, value);
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// One target platform: each stage's platform, the stages it depends on, the images it pulls.

interface Pull {
  image: string;
  line: number;
  platform: string;
}

interface StagePlan {
  platform: string;
  deps: number[];
  pulls: Pull[];
  problems: string[];
}

interface TargetContext {
  df: Dockerfile;
  env: Env;
  target: string;
}

function planStages(ctx: TargetContext): StagePlan[] {
  const plans: StagePlan[] = [];
  for (const stage of ctx.df.stages) plans.push(planStage(stage, plans, ctx));
  return plans;
}

function planStage(stage: Stage, earlier: StagePlan[], ctx: TargetContext): StagePlan {
  const plan: StagePlan = { platform: ctx.target, deps: [], pulls: [], problems: [] };
  const base = expand(stage.base, ctx.env, ctx.df.escape);
  const baseStage = stageIndex(base.value, ctx.df.stages, stage.index);
  if (baseStage !== undefined) {
    // BuildKit ignores --platform on FROM <stage>: the stage keeps its base stage's platform.
    plan.deps.push(baseStage);
    plan.platform = earlier[baseStage].platform;
  } else {
    plan.platform = stagePlatform(stage, ctx, plan.problems);
    if (!isScratch(base.value)) addPull(plan, base, `FROM ${stage.base}`, stage.line, plan.platform);
  }
  for (const instruction of stage.instructions) {
    for (const ref of sourceRefs(instruction)) addSource(plan, ref, instruction.line, ctx);
  }
  return plan;
}

/** A stage named `ref` (any case) or numbered `ref`, among the stages before `before`. */
function stageIndex(ref: string, stages: Stage[], before: number): number | undefined {
  const index = /^\d+$/.test(ref) ? Number(ref) : stages.findIndex(s => s.name === ref.toLowerCase());
  return index >= 0 && index < before ? index : undefined;
}

function isScratch(ref: string): boolean {
  return ref.toLowerCase() === 'scratch';
}

function stagePlatform(stage: Stage, ctx: TargetContext, problems: string[]): string {
  if (stage.platform === undefined) return ctx.target;
  const expanded = expand(stage.platform, ctx.env, ctx.df.escape).value;
  try {
    return formatPlatform(parsePlatform(expanded));
  } catch (err) {
    problems.push(`line ${stage.line}: --platform=${stage.platform} is not a platform: ${(err as Error).message}`);
    return ctx.target;
  }
}

function addPull(plan: StagePlan, ref: Expansion, written: string, line: number, platform: string): void {
  const unset = ref.unset.length > 0 ? ` (unresolved: ${[...new Set(ref.unset)].join(', ')})` : '';
  if (ref.value === '') {
    plan.problems.push(`line ${line}: ${written} resolves to an empty image name${unset}`);
    return;
  }
  try {
    parseReference(ref.value);
    plan.pulls.push({ image: ref.value, line, platform });
  } catch (err) {
    plan.problems.push(`line ${line}: ${written} is not a valid image reference: ${(err as Error).message}${unset}`);
  }
}

/** Where an instruction reads from: COPY --from=<ref> and each RUN --mount=...,from=<ref>. */
function sourceRefs(instruction: Instruction): string[] {
  if (instruction.keyword === 'COPY') return flagValues(instruction, 'from');
  if (instruction.keyword !== 'RUN') return [];
  const mounts = instruction.flags.filter(f => f.name === 'mount');
  return mounts.flatMap(mount => mount.fields.filter(([key]) => key === 'from').map(([, value]) => value));
}

function addSource(plan: StagePlan, ref: string, line: number, ctx: TargetContext): void {
  if (ref.includes('$')) {
    plan.problems.push(`line ${line}: from=${ref}: BuildKit does not expand variables here; name the image in a FROM stage instead`);
    return;
  }
  const index = stageIndex(ref, ctx.df.stages, ctx.df.stages.length);
  if (index !== undefined) plan.deps.push(index);
  // BuildKit pulls an image named by --from / from= for the target platform, whatever the stage's own platform.
  else if (!isScratch(ref)) addPull(plan, { value: ref, unset: [] }, `from=${ref}`, line, ctx.target);
}

function neededStages(target: number, plans: StagePlan[]): number[] {
  const seen = new Set<number>();
  const visit = (i: number): void => {
    if (seen.has(i)) return;
    seen.add(i);
    plans[i].deps.forEach(visit);
  };
  visit(target);
  return [...seen].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// The whole build: the target stage, the platforms, and the merged results.

export function dockerfileBases(text: string, opts: DockerfileBasesOptions): DockerfileBases {
  const df = parseDockerfile(text);
  const problems = [...df.problems];
  const target = targetStage(df, opts.target, problems);
  const platforms = requestedPlatforms(opts, problems);
  if (target === undefined || platforms === undefined) return { images: [], warnings: [], problems: [...new Set(problems)] };
  const pulls: Pull[] = [];
  const platformsByStage = new Map<number, Set<string>>();
  for (const platform of platforms.targets) {
    const plans = planStages({ df, env: globalScope(df, opts, platforms.build, platform), target: platform });
    for (const i of neededStages(target, plans)) {
      pulls.push(...plans[i].pulls);
      problems.push(...plans[i].problems);
      platformsByStage.set(i, (platformsByStage.get(i) ?? new Set<string>()).add(plans[i].platform));
    }
  }
  return { images: baseImages(pulls), warnings: archWarnings(df.stages, platformsByStage), problems: [...new Set(problems)] };
}

function targetStage(df: Dockerfile, target: string | undefined, problems: string[]): number | undefined {
  if (df.stages.length === 0) {
    problems.push('the Dockerfile has no FROM instruction');
    return undefined;
  }
  if (!target) return df.stages.length - 1;
  const index = df.stages.findIndex(s => s.name === target.toLowerCase());
  if (index >= 0) return index;
  const names = df.stages.flatMap(s => s.name ?? []);
  problems.push(`target stage "${target}" is not in the Dockerfile; its stages are: ${names.join(', ') || '(none named)'}`);
  return undefined;
}

/** Normalised build and target platforms; no target platforms means the build platform, as in BuildKit. */
function requestedPlatforms(opts: DockerfileBasesOptions, problems: string[]): { build: string; targets: string[] } | undefined {
  const normalise = (raw: string): string[] => {
    try {
      return [formatPlatform(parsePlatform(raw))];
    } catch (err) {
      problems.push(`platform ${raw}: ${(err as Error).message}`);
      return [];
    }
  };
  const [build] = normalise(opts.buildPlatform);
  if (build === undefined) return undefined;
  const targets = [...new Set(opts.targetPlatforms.flatMap(normalise))];
  return { build, targets: opts.targetPlatforms.length > 0 ? targets : [build] };
}

/** Platforms gathered per instruction and image, then one entry per image and platform set (first line kept). */
function baseImages(pulls: Pull[]): BaseImage[] {
  const byInstruction = new Map<string, BaseImage>();
  for (const pull of pulls) {
    const key = `${pull.line} ${pull.image}`;
    const entry = byInstruction.get(key) ?? { image: pull.image, line: pull.line, platforms: [] };
    if (!entry.platforms.includes(pull.platform)) entry.platforms.push(pull.platform);
    byInstruction.set(key, entry);
  }
  const unique = new Map<string, BaseImage>();
  for (const entry of [...byInstruction.values()].sort((a, b) => a.line - b.line)) {
    const key = `${entry.image} ${[...entry.platforms].sort().join(',')}`;
    if (!unique.has(key)) unique.set(key, entry);
  }
  return [...unique.values()];
}

// ---------------------------------------------------------------------------------------------
// RUN lines that hard-code one architecture in a stage built for several.

const HARD_CODED_PLACE = /\b(?:https?|ftp):\/\/[^\s'"`]+|\bGOARCH=["']?[A-Za-z0-9_]+/gi;
// Bounded by non-alphanumerics, so `tool_linux_amd64.tgz` (GoReleaser's naming) still counts.
const ARCH_WORD = /(?<![A-Za-z0-9])(amd64|x86_64|aarch64|arm64)(?![A-Za-z0-9])/i;
// A script that asks which architecture it runs for chooses per architecture (e.g. a case on $TARGETARCH).
const ARCH_PROBE = /\$\{?TARGET(?:ARCH|PLATFORM)\b|\buname\s+(?:-m|--machine)\b|\bdpkg\s+--print-architecture\b|\bapk\s+--print-arch\b/i;

function archWarnings(stages: Stage[], platformsByStage: Map<number, Set<string>>): ArchWarning[] {
  const multiPlatform = stages.filter(s => (platformsByStage.get(s.index)?.size ?? 0) > 1);
  return multiPlatform.flatMap(s => s.instructions.filter(i => i.keyword === 'RUN')).flatMap(runWarning);
}

function runWarning(run: Instruction): ArchWarning[] {
  const arch = hardCodedArch([run.text, ...run.heredocs].join('\n'));
  return arch ? [{ line: run.line, arch, text: excerpt(run.text) }] : [];
}

function hardCodedArch(script: string): string | undefined {
  if (ARCH_PROBE.test(script)) return undefined;
  for (const place of script.matchAll(HARD_CODED_PLACE)) {
    const arch = ARCH_WORD.exec(place[0])?.[1];
    if (arch) return arch.toLowerCase();
  }
  return undefined;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 120 ? flat : `${flat.slice(0, 119)}…`;
}
