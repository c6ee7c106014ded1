#!/usr/bin/env node
// Checks that `make help` lists every documented target: each `.PHONY` target must have a
// `## description` on its rule line, and each such target must appear in `make help` with it.
// Run by `make help-check` (part of `make test`).
//
//   node scripts/make/check-help.mjs [Makefile]      exit 1 and one line per problem
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const makefile = path.resolve(process.argv[2] ?? 'Makefile');
const text = readFileSync(makefile, 'utf8');

// `.PHONY: a b c` lines (several may name one target each).
const phony = new Set(
  [...text.matchAll(/^\.PHONY:(.*)$/gm)].flatMap((m) => m[1].trim().split(/\s+/).filter(Boolean)),
);
// `name: prerequisites ## description` rule lines, not `NAME := value` assignments.
const described = new Map();
for (const m of text.matchAll(/^([^\s:=#$]+):(?!=)[^\n]*?##\s*(.*)$/gm)) described.set(m[1], m[2].trim());

const help = execFileSync('make', ['--no-print-directory', '-s', '-f', makefile, 'help'], {
  cwd: path.dirname(makefile),
  encoding: 'utf8',
});
const listed = new Map(
  help
    .split('\n')
    .map((line) => /^\s+(\S+)\s+(.*)$/.exec(line))
    .filter(Boolean)
    .map((m) => [m[1], m[2].trim()]),
);

const problems = [];
for (const target of phony) {
  if (!described.has(target)) problems.push(`${target}: .PHONY but has no "## description" on its rule line, so make help hides it`);
}
for (const [target, description] of described) {
  if (!listed.has(target)) problems.push(`${target}: has "## ${description}" but make help does not list it`);
  else if (listed.get(target) !== description) problems.push(`${target}: make help shows "${listed.get(target)}", not "${description}"`);
}
if (described.size === 0) problems.push(`${makefile}: no "target: ... ## description" lines found`);

const shown = path.relative(process.cwd(), makefile) || makefile;
if (problems.length > 0) {
  for (const p of problems) console.error(`${shown}: ${p}`);
  process.exit(1);
}
console.log(`${shown}: make help lists all ${described.size} documented targets (${phony.size} .PHONY)`);
