/** Types for lint-workflows.js, so the TypeScript tests can import it (keep in step with the JS). */

/** actionlint findings (`file:line:column: message [kind]`) for the workflows in `dir` (default .github/workflows). */
export function lintWorkflows(dir?: string): Promise<string[]>;
