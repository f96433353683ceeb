/**
 * Every ```yaml block of README.md and of the Markdown under docs/ works when pasted: it parses,
 * actionlint finds nothing in it, and it gives this action and its reusable workflow only inputs
 * they declare.
 *
 * A block is a whole workflow, or a piece of one written at the indentation it is pasted at
 * (README steps sit under `steps:`). A piece is placed in a minimal workflow at the level its first
 * line's indentation shows, and actionlint's findings are mapped back to the Markdown line. Blocks
 * that show other actions (a migration guide's "before") are linted too; only steps that use this
 * action and jobs that call its reusable workflow have their keys checked here. A block that is no
 * workflow at all is marked with <!-- not-a-workflow --> on the line before and is only parsed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { closest } from 'fastest-levenshtein';
import { LineCounter, isMap, isScalar, isSeq, parse, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import { lintWorkflowText } from '../../../scripts/lint-workflows.js';

const ROOT = path.join(__dirname, '..', '..', '..');
/** How the docs name the repository the action is published from (the README says to replace it). */
const ACTION_REPO = 'example-org/multiarch-publish-action';
const REUSABLE_PATH = '.github/workflows/multiarch.yml';
const NOT_A_WORKFLOW = '<!-- not-a-workflow -->';

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
const action = parse(read('action.yml')) as { inputs: Record<string, unknown> };
const reusable = parse(read(REUSABLE_PATH)) as {
  on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
};
const ACTION_INPUTS = Object.keys(action.inputs);
const WORKFLOW_INPUTS = Object.keys(reusable.on.workflow_call.inputs);
const WORKFLOW_SECRETS = Object.keys(reusable.on.workflow_call.secrets);

/** A fenced yaml block: its file, the 1-based Markdown line of its first line, its text. */
interface Block {
  file: string;
  line: number;
  text: string;
  notAWorkflow: boolean;
}

/** The ```yaml (or ```yml, ~~~yaml) blocks of a Markdown text; other fences are skipped whole. */
function yamlBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const closeAt = lines.findIndex((l, j) => j > i && new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`).test(l));
    const end = closeAt === -1 ? lines.length : closeAt;
    if (/^ya?ml$/i.test(info)) {
      const before = lines.slice(0, i).filter(l => l.trim() !== '');
      blocks.push({
        file,
        line: i + 2,
        // CommonMark removes up to the fence's own indentation from each line.
        text: lines
          .slice(i + 1, end)
          .map(l => l.replace(new RegExp(`^ {0,${indent.length}}`), ''))
          .join('\n'),
        notAWorkflow: before[before.length - 1]?.trim() === NOT_A_WORKFLOW
      });
    }
    i = end;
  }
  return blocks;
}

/** README.md and every Markdown file under docs/ (whatever exists there), relative to the root. */
function markdownFiles(): string[] {
  const docs = path.join(ROOT, 'docs');
  const under = fs.existsSync(docs)
    ? fs
        .readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter(f => f.endsWith('.md'))
        .map(f => path.join('docs', f))
    : [];
  return ['README.md', ...under.sort()];
}

/** Where a piece goes, by the indentation of its first line: the workflow lines placed above it. */
function header(block: Block): string[] | string {
  const first = block.text.split('\n').find(l => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  const indent = first.length - first.trimStart().length;
  const top = parseDocument(block.text).contents;
  const keys = new Set(isMap(top) ? top.items.map(p => (isScalar(p.key) ? String(p.key.value) : '')) : []);
  const on = 'on: workflow_dispatch';
  switch (indent) {
    case 0:
      if (keys.has('jobs')) return keys.has('on') ? [] : [on];
      break;
    case 2: // jobs
      return [on, 'jobs:'];
    case 4: // one job's keys; `with:` at job level only exists with a reusable workflow's `uses:`
      if (keys.has('uses') || keys.has('runs-on')) return [on, 'jobs:', '  example:'];
      if (keys.has('with') || keys.has('secrets')) return [on, 'jobs:', '  example:', `    uses: ${ACTION_REPO}/${REUSABLE_PATH}@v1`];
      return [on, 'jobs:', '  example:', '    runs-on: ubuntu-latest'];
    case 6: // steps
      return [on, 'jobs:', '  example:', '    runs-on: ubuntu-latest', '    steps:'];
    case 8: // one step's keys, such as its `with:`: a step of this action
      if (!keys.has('uses') && !keys.has('run'))
        return [on, 'jobs:', '  example:', '    runs-on: ubuntu-latest', '    steps:', `      - uses: ${ACTION_REPO}@v1`];
  }
  return (
    `cannot tell where a piece whose first line is indented ${indent} spaces goes: write it at the indentation it is pasted at ` +
    `(0: a workflow with jobs:, 2: jobs, 4: a job's keys, 6: steps, 8: a step's with:), or put ${NOT_A_WORKFLOW} on the line before a block that is no workflow`
  );
}

const isActionRef = (uses: string): boolean => uses === './' || uses.startsWith(`${ACTION_REPO}@`);
const isWorkflowRef = (uses: string): boolean => uses === `./${REUSABLE_PATH}` || uses.startsWith(`${ACTION_REPO}/${REUSABLE_PATH}@`);

/** `with:` and `secrets:` keys given to this action or its reusable workflow that they do not declare, and misnamed references to either. */
function keyProblems(doc: ReturnType<typeof parseDocument>, where: (offset: number) => string): string[] {
  const problems: string[] = [];
  const unknownKeys = (map: unknown, declared: string[], what: string, uses: string): void => {
    if (!isMap(map)) return;
    for (const pair of map.items as Pair<Node, unknown>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (declared.includes(key)) continue;
      const offset = pair.key?.range?.[0] ?? 0;
      problems.push(`${where(offset)}: "${key}" is not ${what} (uses: ${uses}); did you mean "${closest(key, declared)}"?`);
    }
  };
  const misnamed = (uses: string, offset: number): void => {
    if (/multiarch-publish-action|workflows\/multiarch\.ya?ml/.test(uses) && !isActionRef(uses) && !isWorkflowRef(uses))
      problems.push(
        `${where(offset)}: uses: ${uses} names this action another way; write ${ACTION_REPO}@v1 or ${ACTION_REPO}/${REUSABLE_PATH}@v1`
      );
  };
  const jobs: unknown = doc.get('jobs', true);
  if (!isMap(jobs)) return problems;
  for (const { value: job } of jobs.items as Pair<Node, unknown>[]) {
    if (!isMap(job)) continue;
    const jobUses = job.get('uses', true);
    if (isScalar(jobUses) && typeof jobUses.value === 'string') {
      misnamed(jobUses.value, jobUses.range?.[0] ?? 0);
      if (isWorkflowRef(jobUses.value)) {
        unknownKeys(job.get('with', true), WORKFLOW_INPUTS, `an input of ${REUSABLE_PATH} (on.workflow_call.inputs)`, jobUses.value);
        unknownKeys(job.get('secrets', true), WORKFLOW_SECRETS, `a secret of ${REUSABLE_PATH} (on.workflow_call.secrets)`, jobUses.value);
      }
    }
    const steps = job.get('steps', true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get('uses', true);
      if (!isScalar(uses) || typeof uses.value !== 'string') continue;
      misnamed(uses.value, uses.range?.[0] ?? 0);
      if (isActionRef(uses.value)) unknownKeys(step.get('with', true), ACTION_INPUTS, 'an input of action.yml', uses.value);
    }
  }
  return problems;
}

/** Everything wrong with one block, each problem as `file:line: ...` (the Markdown line). */
async function blockProblems(block: Block): Promise<string[]> {
  const at = `(yaml block at ${block.file}:${block.line})`;
  const placed = block.notAWorkflow ? [] : header(block);
  if (typeof placed === 'string') return [`${block.file}:${block.line}: ${placed}`];
  const text = [...placed, block.text].join('\n');
  // A line of the placed text → the Markdown line it came from (the header's lines → the block's first).
  const mdLine = (line: number): number => block.line + Math.max(0, line - 1 - placed.length);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const where = (offset: number): string => `${block.file}:${mdLine(lineCounter.linePos(offset).line)}`;
  if (doc.errors.length > 0) return doc.errors.map(e => `${where(e.pos[0])}: ${e.message.split('\n')[0]} ${at}`);
  if (block.notAWorkflow) return [];

  const problems = keyProblems(doc, where).map(p => `${p} ${at}`);
  try {
    for (const f of await lintWorkflowText(text, `${block.file}-${block.line}.yml`))
      problems.push(`${block.file}:${mdLine(f.line)}:${f.column}: ${f.message} [${f.kind}] ${at}`);
  } catch (e) {
    problems.push(`${block.file}:${block.line}: actionlint failed on this block (${String(e)}) ${at}`);
  }
  return problems;
}

describe('the checker', () => {
  const md = (body: string): string => `# Doc\n\nSome text.\n\n${body}\n`;
  const only = (markdown: string): Block => {
    const blocks = yamlBlocks('docs/example.md', markdown);
    expect(blocks).toHaveLength(1);
    return blocks[0];
  };

  test('finds yaml blocks with their first line, skips other fences (and yaml shown inside them)', () => {
    const blocks = yamlBlocks(
      'x.md',
      [
        '```sh',
        'echo',
        '```',
        '````markdown',
        '```yaml',
        'a: 1',
        '```',
        '````',
        '',
        '```yaml',
        'b: 2',
        '```',
        '',
        '  ~~~yml',
        '  c: 3',
        '  ~~~'
      ].join('\n')
    );
    expect(blocks.map(b => [b.line, b.text])).toEqual([
      [11, 'b: 2'],
      [15, 'c: 3']
    ]);
  });

  test("a misspelt input of the action's step names the file, the key's line and the key, with the nearest input", async () => {
    const block = only(
      md(
        [
          '```yaml',
          '      - uses: example-org/multiarch-publish-action@v1',
          '        with:',
          '          platfroms: linux/arm64',
          '```'
        ].join('\n')
      )
    );
    expect(await blockProblems(block)).toEqual([
      `docs/example.md:8: "platfroms" is not an input of action.yml (uses: example-org/multiarch-publish-action@v1); did you mean "platforms"? (yaml block at docs/example.md:6)`
    ]);
  });

  test("a step's with: piece (8 spaces) is this action's", async () => {
    const block = only(md(['```yaml', '        with:', '          push: false', '          tag: x', '```'].join('\n')));
    expect(await blockProblems(block)).toEqual([
      expect.stringMatching(/^docs\/example\.md:8: "tag" is not an input of action\.yml .*did you mean "tags"\?/)
    ]);
  });

  test("a job's with: piece (4 spaces) is the reusable workflow's, and so are a calling job's secrets", async () => {
    const piece = only(md(['```yaml', '    with:', '      plan-runner: ubuntu-24.04', '      load: true', '```'].join('\n')));
    expect(await blockProblems(piece)).toEqual([
      expect.stringMatching(/^docs\/example\.md:8: "load" is not an input of \.github\/workflows\/multiarch\.yml/)
    ]);
    const caller = only(
      md(
        [
          '```yaml',
          'on: push',
          'jobs:',
          '  image:',
          '    uses: example-org/multiarch-publish-action/.github/workflows/multiarch.yml@v1',
          '    secrets: { password: x, token: y }',
          '```'
        ].join('\n')
      )
    );
    expect(await blockProblems(caller)).toEqual([
      expect.stringMatching(/^docs\/example\.md:10: "token" is not a secret of \.github\/workflows\/multiarch\.yml/)
    ]);
  });

  test("another action's keys are left to actionlint, whose findings point at the Markdown line", async () => {
    const block = only(
      md(
        [
          '```yaml',
          '      - uses: docker/build-push-action@v6',
          '        with: { push: true, tags: "a:b" }',
          '      - uses: actions/checkout@v2',
          '        with: { nope: 1 }',
          '```'
        ].join('\n')
      )
    );
    expect(await blockProblems(block)).toEqual([
      expect.stringMatching(/^docs\/example\.md:9:\d+: input "nope" is not defined in action "actions\/checkout@v2"/)
    ]);
  });

  test('this action named another way, YAML that does not parse, and a piece that cannot be placed', async () => {
    const renamed = only(md(['```yaml', '      - uses: someone/multiarch-publish-action@v1', '```'].join('\n')));
    expect(await blockProblems(renamed)).toEqual([
      expect.stringMatching(/^docs\/example\.md:6: uses: someone\/multiarch-publish-action@v1 names this action another way/)
    ]);
    const broken = only(
      md(['```yaml', '      - uses: example-org/multiarch-publish-action@v1', '        with: { tags: ${{ vars.T }} }', '```'].join('\n'))
    );
    expect((await blockProblems(broken))[0]).toMatch(/^docs\/example\.md:7: /);
    const loose = only(md(['```yaml', 'services:', '  db: { image: postgres }', '```'].join('\n')));
    expect(await blockProblems(loose)).toEqual([expect.stringMatching(/^docs\/example\.md:6: cannot tell where .*not-a-workflow/)]);
  });

  test('a block marked as no workflow is only parsed', async () => {
    const block = only(md([NOT_A_WORKFLOW, '```yaml', 'services:', '  db: { image: postgres }', '```'].join('\n')));
    expect(block.notAWorkflow).toBe(true);
    expect(await blockProblems(block)).toEqual([]);
  });
});

describe('yaml blocks of the README and docs/', () => {
  const files = markdownFiles();
  const blocks = files.flatMap(f => yamlBlocks(f, read(f)));

  test('every yaml fence is found (the README has its examples)', () => {
    const fences = files.map(f => read(f).match(/^ *(```|~~~)\s*ya?ml\s*$/gim)?.length ?? 0).reduce((a, b) => a + b, 0);
    expect(blocks).toHaveLength(fences);
    expect(blocks.filter(b => b.file === 'README.md').length).toBeGreaterThanOrEqual(5);
  });

  test.each(blocks.map(b => [`${b.file}:${b.line}`, b] as const))(
    '%s parses, passes actionlint and gives only declared inputs',
    async (_, block) => {
      expect(await blockProblems(block)).toEqual([]);
    },
    30_000
  );
});
