/**
 * A broken policy module or config file, at start-up and at reload. At start-up the process
 * exits non-zero naming the file as configured; at reload the last good state keeps serving
 * and the operators' /readyz lists every issue with its code, message and the file's name (never a path),
 * while the log names the file as configured (never the resolved path it was not given as).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRYPOINTS } from '../../src/engine/entrypoints.js';
import { buildPolicyCopy, buildWasm } from '../support/opa.js';
import { eventually, login, startBff, type TestBff } from './support/bff.js';
import { GRANTS_YAML, POLICY, createFixture, pluginsYaml, type Fixture } from './support/fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = path.join(ROOT, 'src/server/main.ts');
// Not called "policy.wasm", so a message that names the file by habit is caught.
const POLICY_NAME = 'bff-policy.wasm';

interface Files {
  plugins: string;
  grants: string;
  policy: string;
}

interface Breakage {
  what: string;
  file: keyof Files;
  code: string;
  message: RegExp;
  /** Config issues point at a line; a policy module or a missing file has none. */
  located: boolean;
  apply(files: Files): Promise<void>;
}

const MINIMAL_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
let partialPolicy: Uint8Array;
let badCatalogue: Uint8Array;
let goodPolicy: Buffer;

beforeAll(async () => {
  goodPolicy = await readFile(POLICY);
  // A real OPA module with only the api entrypoint.
  partialPolicy = await buildWasm({ 'api.rego': 'package experience.api\n\ndecision := {"allow": false, "reason": "not_allowed"}\n' }, [ENTRYPOINTS.api]);
  // The real policy, but a refusal in its api reason catalogue without a status.
  ({ wasm: badCatalogue } = await buildPolicyCopy(async (dir) => {
    const file = path.join(dir, 'experience/api/catalogue.rego');
    const text = await readFile(file, 'utf8');
    const broken = text.replace(/(#     allowlist_violation:\n)#       http_status: 403\n/, '$1');
    expect(broken).not.toBe(text);
    await writeFile(file, broken);
  }, { test: false }));
}, 60_000);

const replaceIn = async (file: string, from: string, to: string) => {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
};

const BREAKAGES: Breakage[] = [
  { what: 'a missing policy', file: 'policy', code: 'policy_unreadable', message: /^cannot read the file \(ENOENT\): build it with `make policy`$/, located: false, apply: (f) => rm(f.policy) },
  {
    what: 'a directory in the policy\'s place',
    file: 'policy',
    code: 'policy_unreadable',
    message: /^cannot read the file \(EISDIR\)/,
    located: false,
    apply: async (f) => {
      await rm(f.policy);
      await mkdir(f.policy);
    },
  },
  { what: 'an empty policy', file: 'policy', code: 'policy_not_wasm', message: /^the module is empty/, located: false, apply: (f) => writeFile(f.policy, '') },
  { what: 'a truncated policy', file: 'policy', code: 'policy_invalid_wasm', message: /^not a valid WebAssembly module \(truncated or corrupt\?\): .+/, located: false, apply: (f) => writeFile(f.policy, goodPolicy.subarray(0, Math.floor(goodPolicy.length / 2))) },
  { what: 'a policy that is not Wasm', file: 'policy', code: 'policy_not_wasm', message: /^not a WebAssembly module: it does not start with the Wasm magic bytes/, located: false, apply: (f) => writeFile(f.policy, 'not wasm') },
  { what: 'Wasm that is not an OPA policy', file: 'policy', code: 'policy_not_opa', message: /^a WebAssembly module, but not an OPA policy/, located: false, apply: (f) => writeFile(f.policy, MINIMAL_WASM) },
  {
    what: 'an OPA policy without the expected entrypoints',
    file: 'policy',
    code: 'policy_entrypoints_missing',
    message: /^the policy lacks entrypoint\(s\) experience\/sse\/decision, experience\/contributions\/decision, experience\/authz\/decision, experience\/api\/catalogue, experience\/sse\/catalogue, experience\/authz\/catalogue \(has: experience\/api\/decision\)/,
    located: false,
    apply: (f) => writeFile(f.policy, partialPolicy),
  },
  {
    what: 'a policy whose reason catalogue is malformed',
    file: 'policy',
    code: 'policy_catalogue_invalid',
    message: /^experience\/api\/catalogue: reason "allowlist_violation": a refusal needs http_status, a client error \(400-499\)$/,
    located: false,
    apply: (f) => writeFile(f.policy, badCatalogue),
  },
  { what: 'a YAML error in plugins.yaml', file: 'plugins', code: 'yaml_syntax', message: /^All mapping items must start at the same column$/, located: true, apply: async (f) => writeFile(f.plugins, `${await readFile(f.plugins, 'utf8')}\n  bad: [unclosed\n`) },
  { what: 'a schema error in plugins.yaml', file: 'plugins', code: 'invalid_method', message: /^method "get" must be written upper-case: "GET"$/, located: true, apply: (f) => replaceIn(f.plugins, '- { method: GET, path: /api/hello }', '- { method: get, path: /api/hello }') },
  { what: 'a missing plugins.yaml', file: 'plugins', code: 'file_unreadable', message: /^cannot read the file \(ENOENT\)$/, located: false, apply: (f) => rm(f.plugins) },
  { what: 'a YAML error in grants.yaml', file: 'grants', code: 'yaml_syntax', message: /^Flow sequence in block collection/, located: true, apply: (f) => writeFile(f.grants, 'tenants: [') },
  { what: 'a schema error in grants.yaml', file: 'grants', code: 'schema', message: /^expected a string, got number 7/, located: true, apply: (f) => replaceIn(f.grants, '- { resource: plugin.route, action: view }', '- { resource: plugin.route, action: 7 }') },
];

/** The fixture's files, the policy under its own name (absolute paths). */
function filesOf(fixture: Fixture): Files {
  return { plugins: fixture.pluginsFile, grants: fixture.grantsFile, policy: path.join(path.dirname(fixture.policyFile), POLICY_NAME) };
}

async function prepare(fixture: Fixture): Promise<Files> {
  const files = filesOf(fixture);
  await copyFile(fixture.policyFile, files.policy);
  return files;
}

describe('at start-up: the process exits non-zero naming the file as configured', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.remove();
    fixture = undefined;
  });

  /** Runs src/server/main.ts in the fixture folder, with the files configured relative to it. */
  async function run(files: Files, dir: string, untilListening = false) {
    const rel = (f: string) => path.relative(dir, f);
    const child = spawn(process.execPath, ['--import', TSX, MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        PLUGINS_CONFIG: rel(files.plugins),
        GRANTS_CONFIG: rel(files.grants),
        POLICY_WASM: rel(files.policy),
        PLUGINS_ROOT: 'plugins',
        WEB_ROOT: 'web',
        UPSTREAM_URL: 'http://127.0.0.1:9',
        EXPERIENCE_VERSION: '1.4.0',
        SESSION_KEYS: 'readyz-issues-session-key-0123456789abcdef',
        CONFIG_WATCH: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilListening && stdout.includes('"BFF listening"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A process that starts when it should not is stopped, and the test fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    return { code, stdout, stderr };
  }

  it('starts with good files (the harness itself works)', async () => {
    fixture = await createFixture({ downUrl: 'http://127.0.0.1:9' });
    const files = await prepare(fixture);
    const { stdout } = await run(files, fixture.dir, true);
    // Listening, then stopped by the SIGTERM (tsx's loader re-raises the signal, so the exit code says nothing here).
    expect(stdout).toContain('"BFF listening"');
    expect(stdout).toContain('"stopped"');
  });

  it.each(BREAKAGES.map((b) => [b.what, b] as const))('%s', async (_what, breakage) => {
    fixture = await createFixture({ downUrl: 'http://127.0.0.1:9' });
    const files = await prepare(fixture);
    await breakage.apply(files);
    const { code, stderr } = await run(files, fixture.dir);
    expect(code).toBe(1);
    const configured = path.relative(fixture.dir, files[breakage.file]);
    const heading = breakage.file === 'policy' ? 'the policy cannot be loaded' : 'the configuration is invalid';
    expect(stderr).toContain(`experience-bff: ${heading}:\n`);
    const line = stderr.split('\n').find((l) => l.startsWith(`  ${configured}`));
    expect(line, stderr).toBeDefined();
    const [where = '', ...rest] = (line ?? '').trim().split('  ');
    expect(where).toMatch(breakage.located ? new RegExp(`^${configured.replaceAll('.', '\\.')}:\\d+:\\d+$`) : new RegExp(`^${configured.replaceAll('.', '\\.')}$`));
    expect(rest.at(-1)).toMatch(breakage.message);
    // Named as configured: not the resolved path, and not a "policy.wasm" it was never called.
    expect(stderr).not.toContain(fixture.dir);
    expect(stderr).not.toMatch(/(?<!bff-)policy\.wasm/);
  });
});

describe('at reload: the operators\' /readyz lists each issue with its message and file, the last good keeps serving', () => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  interface Readyz {
    ready: boolean;
    revision: { id: number };
    lastReload: { ok: boolean; trigger: string; issues?: Array<{ code: string; file: string; line: number; col: number; path: string; message: string }> };
    reloadFailures: number;
  }

  it.each(BREAKAGES.map((b) => [b.what, b] as const))('%s', async (_what, breakage) => {
    // The files configured relative to the working directory, as an operator may.
    const rel = (f: string) => path.relative(process.cwd(), f);
    const b = await startBff(async (fixture) => {
      const files = await prepare(fixture);
      return { POLICY_WASM: rel(files.policy), PLUGINS_CONFIG: rel(files.plugins), GRANTS_CONFIG: rel(files.grants) };
    });
    bff = b;
    const files = filesOf(b.fixture);
    const cookie = await login(b);
    const call = () => b.http().get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect((await call()).status).toBe(200);

    await breakage.apply(files);
    const readyz = async () => (await b.metricsHttp().get('/readyz')).body as Readyz;
    await eventually(async () => expect((await readyz()).lastReload.ok).toBe(false), `the failed reload after ${breakage.what}`);
    const status = await readyz();
    expect(status).toMatchObject({ ready: true, revision: { id: 1 }, reloadFailures: 1 });
    expect(status.lastReload.trigger).toContain(breakage.file);
    const name = path.basename(files[breakage.file]);
    const issue = status.lastReload.issues?.find((i) => i.code === breakage.code);
    expect(issue, JSON.stringify(status.lastReload.issues)).toMatchObject({ file: name, message: expect.stringMatching(breakage.message) });
    if (breakage.located) expect(issue?.line).toBeGreaterThan(0);
    else expect(issue).toMatchObject({ line: 0, col: 0 });
    for (const i of status.lastReload.issues ?? []) {
      expect(i.message).not.toBe('');
      expect(i.file).not.toContain('/');
    }
    // File names only, never a path (not even the configured one).
    const body = JSON.stringify(status);
    expect(body).not.toContain(b.fixture.dir);
    expect(body).not.toContain(rel(files[breakage.file]));
    // The public /readyz says the reload failed, and nothing of why.
    expect((await b.http().get('/readyz')).body).toEqual({ ready: true, revision: (status as unknown as { revision: unknown }).revision, lastReload: { ok: false, at: expect.any(String) } });

    // The last good state keeps serving.
    expect((await call()).status).toBe(200);
    expect((await b.metricsHttp().get('/metrics')).text).toContain('experience_config_last_reload_ok 0');

    // The log names the file as configured, never the resolved path.
    const logged = b.logs().find((l) => String(l.msg).startsWith('reload failed'));
    // (The relative path contains the folder's name, so look for it as the start of a path.)
    expect(JSON.stringify(logged)).not.toMatch(new RegExp(`["\\s]${b.fixture.dir}`));
    const lines = (logged?.issues ?? []) as string[];
    expect(lines.some((l) => l.startsWith(rel(files[breakage.file])) && breakage.message.test(l.split('  ').at(-1) ?? '')), JSON.stringify(lines)).toBe(true);
  });
});
