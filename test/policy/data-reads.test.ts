/**
 * The BFF's engine loads the data document in shards by tenant (src/engine/data.ts) and asks a
 * decision of its tenant's shard alone. Each shard holds one group of tenants and everything of
 * data.registry that is not a tenant. That is sound only while every rule an entrypoint reaches
 * reads the tenants at data.registry.tenants[input.tenant] and nowhere else: the four decisions,
 * and the catalogues, explanations and relations compiled into the same module, so that any
 * instance, whichever shard it holds, answers every entrypoint for its tenants.
 * This reads the policy's AST (`opa parse`) and holds it to that; a read of another tenant, of
 * all of them or of the whole document fails here, not in production.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTRYPOINTS } from '../../src/engine/index.js';
import { OPA_BIN } from '../support/opa.js';

const run = promisify(execFile);

interface Term {
  type: string;
  value: unknown;
}

interface Module {
  file: string;
  pkg: string;
  ast: Record<string, unknown>;
}

const isTerm = (x: unknown): x is Term => typeof x === 'object' && x !== null && typeof (x as Term).type === 'string' && 'value' in x;
const isDataVar = (t: unknown) => isTerm(t) && t.type === 'var' && t.value === 'data';

/** `data.a.b[input.tenant]` as text, for the failure message and the comparison. */
function show(ref: Term[]): string {
  return ref
    .map((t, i) => {
      if (i === 0) return String(t.value);
      if (t.type === 'string') return `.${String(t.value)}`;
      if (t.type === 'ref') return `[${show(t.value as Term[])}]`;
      return `[${t.type}:${JSON.stringify(t.value)}]`;
    })
    .join('');
}

/** Every ref whose head is `data`, and every `data` used other than as a ref's head. */
function dataUses(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) dataUses(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  if (isTerm(node) && node.type === 'ref' && Array.isArray(node.value) && isDataVar(node.value[0])) {
    out.push(show(node.value as Term[]));
    dataUses(node.value.slice(1), out);
    return;
  }
  if (isDataVar(node)) out.push('data (bare)');
  for (const [key, value] of Object.entries(node)) if (key !== 'location') dataUses(value, out);
}

/** Whether every shard answers this read as the whole document would (the rules, data.experience.*, are not data). */
function shardSafe(use: string): boolean {
  if (use.startsWith('data.experience.')) return true;
  if (use === 'data.registry.tenants[input.tenant]' || use.startsWith('data.registry.tenants[input.tenant].')) return true;
  // A tenant-independent field: copied into every shard.
  return /^data\.registry\.(?!tenants\b)[a-z_]+(\.|\[|$)/.test(use);
}

async function regoFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.rego') && !e.name.endsWith('_test.rego')).map((e) => join(e.parentPath, e.name));
}

let modules: Module[];
beforeAll(async () => {
  modules = await Promise.all(
    (await regoFiles('policy')).map(async (file) => {
      const { stdout } = await run(OPA_BIN, ['parse', '--format', 'json', file], { maxBuffer: 64 * 1024 * 1024 });
      const ast = JSON.parse(stdout) as Record<string, unknown>;
      const path = (ast['package'] as { path: Term[] }).path.slice(1).map((t) => String(t.value));
      return { file, pkg: path.join('.'), ast: { ...ast, package: undefined } };
    }),
  );
});

/** The packages the entrypoints reach: theirs, and every package a reached one refers to. */
function reached(): Module[] {
  const packages = new Set(modules.map((m) => m.pkg));
  const seen = new Set(ALL_ENTRYPOINTS.map((e) => e.split('/').slice(0, -1).join('.')));
  const queue = [...seen];
  while (queue.length > 0) {
    const pkg = queue.pop()!;
    for (const m of modules.filter((x) => x.pkg === pkg)) {
      const uses: string[] = [];
      dataUses(m.ast, uses);
      for (const use of uses.filter((u) => u.startsWith('data.experience.'))) {
        // The longest package the reference starts with (the rest names a rule in it).
        const parts = use.slice('data.'.length).split(/[.[]/);
        for (let n = parts.length; n > 0; n--) {
          const candidate = parts.slice(0, n).join('.');
          if (packages.has(candidate)) {
            if (!seen.has(candidate)) {
              seen.add(candidate);
              queue.push(candidate);
            }
            break;
          }
        }
      }
    }
  }
  return modules.filter((m) => seen.has(m.pkg));
}

describe('what the entrypoints read of the data document', () => {
  it('reach the library packages (or this test would check nothing)', () => {
    const names = reached().map((m) => m.pkg);
    expect(names).toEqual(expect.arrayContaining(['experience.api', 'experience.sse', 'experience.contributions', 'experience.authz', 'experience.tooling', 'experience.lib.registry']));
  });

  it('read the tenants only at data.registry.tenants[input.tenant]', () => {
    const reads = reached().flatMap((m) => {
      const uses: string[] = [];
      dataUses(m.ast, uses);
      return uses.filter((u) => !u.startsWith('data.experience.')).map((u) => ({ file: m.file, use: u }));
    });
    expect(reads.map((r) => r.use)).toContain('data.registry.tenants[input.tenant]');
    expect(reads.filter((r) => !shardSafe(r.use))).toEqual([]);
  });

  it('tells a read a shard answers as the whole document does from one it does not', () => {
    const v = (value: string): Term => ({ type: 'var', value });
    const s = (value: string): Term => ({ type: 'string', value });
    const input = (field: string): Term => ({ type: 'ref', value: [v('input'), s(field)] });
    const usesOf = (node: unknown) => {
      const uses: string[] = [];
      dataUses(node, uses);
      return uses;
    };
    const ref = (...terms: Term[]) => usesOf({ type: 'ref', value: [v('data'), ...terms] });
    const safe = [
      ref(s('registry'), s('tenants'), input('tenant')),
      ref(s('registry'), s('tenants'), input('tenant'), s('plugins')),
      ref(s('registry'), s('host_version')),
      ref(s('experience'), s('lib'), s('registry'), s('tenant')),
    ].flat();
    const unsafe = [
      ref(s('registry'), s('tenants')),
      ref(s('registry'), s('tenants'), v('t')),
      ref(s('registry'), s('tenants'), input('host')),
      ref(s('registry'), s('tenants'), s('localhost')),
      ref(s('registry')),
      ref(v('x')),
      usesOf({ type: 'call', value: [v('count'), v('data')] }),
    ].flat();
    expect(safe.filter((u) => !shardSafe(u))).toEqual([]);
    expect(unsafe.filter(shardSafe)).toEqual([]);
    expect(unsafe).toHaveLength(7);
  });
});
