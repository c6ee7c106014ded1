#!/usr/bin/env node
// Checks that the pinned tools are what the repository says they are: the OPA and Regal versions
// required in tools/opa/go.mod and tools/regal/go.mod are the ones the README states, and the
// binaries in .tools/bin report them (a stale build would otherwise lint and compile with another
// version). Run by `make help-check` (part of `make test`); binaries not in .tools/bin are skipped.
//
//   node scripts/make/check-tools.mjs      exit 1 and one line per problem
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const TOOLS = [
  { name: 'OPA', module: 'github.com/open-policy-agent/opa', gomod: 'tools/opa/go.mod', bin: process.env.OPA ?? '.tools/bin/opa', version: /^Version:\s*(\S+)/m },
  { name: 'Regal', module: 'github.com/open-policy-agent/regal', gomod: 'tools/regal/go.mod', bin: process.env.REGAL ?? '.tools/bin/regal', version: /^Version:\s*(\S+)/m },
];

const readme = readFileSync('README.md', 'utf8');
const problems = [];
const found = [];
for (const tool of TOOLS) {
  const required = new RegExp(`^\\s*${tool.module.replaceAll('.', '\\.')} (v\\S+)`, 'm').exec(readFileSync(tool.gomod, 'utf8'));
  if (!required) {
    problems.push(`${tool.gomod}: does not require ${tool.module}`);
    continue;
  }
  const pin = required[1];
  found.push(`${tool.name} ${pin}`);
  if (!readme.includes(`${tool.name} ${pin}`)) problems.push(`README.md: does not state "${tool.name} ${pin}" (the pin in ${tool.gomod})`);
  // Only the pinned builds are checked: `make OPA=opa ...` uses the developer's own on purpose.
  if (tool.bin.startsWith('.tools/bin/') && existsSync(tool.bin)) {
    const reported = tool.version.exec(execFileSync(tool.bin, ['version'], { encoding: 'utf8' }))?.[1];
    if (reported?.replace(/^v/, '') !== pin.replace(/^v/, '')) {
      problems.push(`${tool.bin}: reports version ${reported ?? 'unknown'}, not the pinned ${pin}: rm ${tool.bin} && make tools`);
    }
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`pinned tools: ${found.join(', ')} (go.mod, README and .tools/bin agree)`);
