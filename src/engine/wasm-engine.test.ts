import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../test/support/opa.js';
import { CATALOGUES } from './catalogue.js';
import { ENTRYPOINTS } from './entrypoints.js';
import { EngineLoadError } from './errors.js';
import { isEngineFailure } from './failures.js';
import { catalogueFiles, catalogueRego } from './testing/catalogue-rego.js';
import { createWasmEngine } from './wasm-engine.js';

const CATALOGUE_REGO = catalogueFiles({
  api: {
    allowed: { allow: true, plugin_recognised: true },
    not_allowed: { http_status: 403, violation: 'allowlist', plugin_recognised: true, message: 'No' },
    // given by no decision below: allow must match for a declared reason too
    granted_by_mistake: { http_status: 403, message: 'No' },
  },
  sse: { allowed: { allow: true }, not_allowed: { http_status: 403, message: 'No' } },
  authz: { granted: { allow: true }, not_granted: {} },
});

const ALL_ENTRYPOINTS = [...Object.values(ENTRYPOINTS), ...Object.values(CATALOGUES).map((c) => c.entrypoint)];

// Small real policies, built with the OPA CLI, whose behaviour the engine must translate:
// decisions that depend on data and input, a conflict (evaluation error), an undefined
// result, a result of the wrong shape and reasons the catalogue does not declare.
const POLICIES = {
  ...CATALOGUE_REGO,
  'api.rego': `package experience.api
decision := {"allow": true, "reason": "allowed", "plugin_id": input.plugin_id, "matched": concat(" ", [input.method, input.path])} if {
	input.path in data.registry.allowed[input.tenant][input.plugin_id]
}
else := {"allow": false, "reason": "not_allowed"}
`,
  'sse.rego': `package experience.sse
decision := {"allow": true, "reason": "allowed", "matched": "x"} if input.topic == "conflict"
decision := {"allow": false, "reason": "not_allowed"} if input.topic == "conflict"
decision := {"allow": true, "reason": "allowed", "matched": "ok"} if input.topic == "ok"
decision := {"allow": true, "reason": "allowed"} if input.topic == "no-match-field"
decision := {"allow": false, "reason": "quarantined"} if input.topic == "undeclared"
`,
  'contributions.rego': `package experience.contributions
decision := {"plugins": [{"id": "p", "version": "1.0.0", "routes": [], "widgets": [{"slot": "s", "component": "C", "resource": "r", "action": "view"}]}]} if input.tenant == "t"
decision := {"plugins": [{"id": "p"}]} if input.tenant == "broken"
`,
  'authz.rego': `package experience.authz
decision := "yes" if input.resource == "shape"
decision := {"allow": input.subject.id == "alice", "reason": "granted"} if input.resource == "r"
decision := {"allow": true, "reason": "not_granted"} if input.resource == "contradiction"
`,
};

const DATA = JSON.stringify({
  registry: { allowed: { t: { p: ['/a'], 'b:c': ['/x'] }, 'a:b': { c: ['/y'] } } },
});

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await buildWasm(POLICIES, ALL_ENTRYPOINTS);
}, 60_000);

describe('createWasmEngine', () => {
  it('evaluates the api entrypoint against the data it was given', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    expect(engine.api({ tenant: 't', plugin_id: 'p', method: 'GET', path: '/a' })).toEqual({
      allow: true,
      reason: 'allowed',
      plugin_id: 'p',
      matched: 'GET /a',
    });
    expect(engine.api({ tenant: 't', plugin_id: 'p', method: 'GET', path: '/b' })).toEqual({
      allow: false,
      reason: 'not_allowed',
    });
  });

  it('reports a revision made of content hashes', async () => {
    const a = await createWasmEngine({ wasm, dataJson: DATA });
    const b = await createWasmEngine({ wasm, dataJson: DATA.replace('/a', '/z') });
    expect(a.revision.policy).toMatch(/^[0-9a-f]{12}$/);
    expect(a.revision.policy).toBe(b.revision.policy);
    expect(a.revision.data).not.toBe(b.revision.data);
  });

  it('turns a Wasm evaluation error into a deny and tells onError', async () => {
    const errors: string[] = [];
    const engine = await createWasmEngine({ wasm, dataJson: DATA, onError: (e, name) => errors.push(`${name}: ${e.message}`) });
    expect(engine.sse({ tenant: 't', plugin_id: 'p', topic: 'conflict' })).toEqual({ allow: false, reason: 'evaluation_error' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^sse: /);
  });

  it('denies an undefined result', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    expect(engine.sse({ tenant: 't', plugin_id: 'p', topic: 'nothing' })).toEqual({ allow: false, reason: 'undefined_result' });
    expect(engine.contributions({ tenant: 'other', user: { id: 'u', roles: [] } })).toEqual({
      plugins: [],
      reason: 'undefined_result',
    });
  });

  it('denies results of the wrong shape, including an allow that names no matching rule', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    const subject = { id: 'alice', roles: [] };
    expect(engine.authz({ tenant: 't', subject, resource: 'shape', action: 'view' })).toEqual({
      allow: false,
      reason: 'undefined_result',
    });
    expect(engine.sse({ tenant: 't', plugin_id: 'p', topic: 'no-match-field' })).toEqual({
      allow: false,
      reason: 'undefined_result',
    });
    expect(engine.contributions({ tenant: 'broken', user: subject })).toEqual({ plugins: [], reason: 'undefined_result' });
  });

  it('reads the reason catalogues once, at load', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    expect(engine.reasons.api.get('not_allowed')).toEqual({
      reason: 'not_allowed', allow: false, httpStatus: 403, message: 'No', violation: 'allowlist', pluginRecognised: true,
    });
    expect(engine.reasons.api.get('allowed')).toEqual({ reason: 'allowed', allow: true, pluginRecognised: true });
    expect([...engine.reasons.authz.keys()]).toEqual(['granted', 'not_granted']);
  });

  it('denies a decision whose reason its catalogue does not declare, or declares with the other allow, and tells onError', async () => {
    const errors: string[] = [];
    const engine = await createWasmEngine({ wasm, dataJson: DATA, onError: (e, name) => errors.push(`${name}: ${e.message}`) });
    const subject = { id: 'alice', roles: [] };
    expect(engine.sse({ tenant: 't', plugin_id: 'p', topic: 'undeclared' })).toEqual({ allow: false, reason: 'undefined_result' });
    expect(engine.authz({ tenant: 't', subject, resource: 'contradiction', action: 'a' })).toEqual({ allow: false, reason: 'undefined_result' });
    expect(errors).toEqual([
      'sse: experience/sse/decision gives reason "quarantined", which is not in experience/sse/catalogue',
      'authz: experience/authz/decision gives allow: true with reason "not_granted", which its catalogue says denies',
    ]);
  });

  it('refuses a module without its reason catalogues, or with a malformed one', async () => {
    const withoutCatalogues = Object.fromEntries(Object.entries(POLICIES).filter(([file]) => !file.endsWith('-catalogue.rego')));
    const noCatalogue = await buildWasm(withoutCatalogues, Object.values(ENTRYPOINTS));
    await expect(createWasmEngine({ wasm: noCatalogue, dataJson: DATA })).rejects.toMatchObject({
      code: 'policy_entrypoints_missing',
      message: expect.stringContaining('experience/api/catalogue'),
    });
    const malformed = await buildWasm(
      { ...POLICIES, 'sse-catalogue.rego': catalogueRego('sse', { allowed: { allow: true }, not_allowed: { 'http-status': 403 } }) },
      ALL_ENTRYPOINTS,
    );
    await expect(createWasmEngine({ wasm: malformed, dataJson: DATA })).rejects.toMatchObject({
      code: 'policy_catalogue_invalid',
      message: 'experience/sse/catalogue: reason "not_allowed" has unknown field(s) http-status (known: allow, http_status, message, violation, plugin_recognised)',
    });
  });

  it('passes well-formed results through', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    expect(engine.authz({ tenant: 't', subject: { id: 'alice', roles: [] }, resource: 'r', action: 'a' })).toEqual({
      allow: true,
      reason: 'granted',
    });
    expect(engine.sse({ tenant: 't', plugin_id: 'p', topic: 'ok' })).toEqual({ allow: true, reason: 'allowed', matched: 'ok' });
    expect(engine.contributions({ tenant: 't', user: { id: 'u', roles: [] } }).plugins[0]?.widgets).toHaveLength(1);
  });

  it('keys its cache by every field, so look-alike inputs never share a decision', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA });
    // Joined naively with ':' these two would be the same key.
    const first = engine.api({ tenant: 't', plugin_id: 'b:c', method: 'GET', path: '/x' });
    const second = engine.api({ tenant: 't:b', plugin_id: 'c', method: 'GET', path: '/x' });
    expect(first.allow).toBe(true);
    expect(second.allow).toBe(false);
    expect(engine.api({ tenant: 'a:b', plugin_id: 'c', method: 'GET', path: '/y' }).allow).toBe(true);
    expect(engine.api({ tenant: 'a', plugin_id: 'b:c', method: 'GET', path: '/y' }).allow).toBe(false);
    expect(engine.cacheSize).toBe(4);
    // Served from the cache: same answer, no new entry.
    expect(engine.api({ tenant: 't', plugin_id: 'b:c', method: 'GET', path: '/x' })).toEqual(first);
    expect(engine.cacheSize).toBe(4);
  });

  it('does not cache when asked not to', async () => {
    const engine = await createWasmEngine({ wasm, dataJson: DATA, cache: false });
    engine.api({ tenant: 't', plugin_id: 'p', method: 'GET', path: '/a' });
    expect(engine.cacheSize).toBe(0);
  });

  it('refuses a module without the four entrypoints', async () => {
    const partial = await buildWasm({ 'api.rego': POLICIES['api.rego'] }, [ENTRYPOINTS.api]);
    await expect(createWasmEngine({ wasm: partial, dataJson: DATA })).rejects.toThrow(EngineLoadError);
    await expect(createWasmEngine({ wasm: partial, dataJson: DATA })).rejects.toThrow(/lacks entrypoint.*experience\/sse\/decision/);
    await expect(createWasmEngine({ wasm: partial, dataJson: DATA })).rejects.toMatchObject({ code: 'policy_entrypoints_missing' });
  });

  it('refuses bytes that are not Wasm and data that is not JSON', async () => {
    await expect(createWasmEngine({ wasm: new TextEncoder().encode('not wasm'), dataJson: DATA })).rejects.toMatchObject({
      code: 'policy_not_wasm',
      message: expect.stringMatching(/^not a WebAssembly module/),
    });
    await expect(createWasmEngine({ wasm, dataJson: '{' })).rejects.toThrow(/not valid JSON/);
  });
});

describe('isEngineFailure', () => {
  it('tells a deny for lack of a decision from a deny by the policy', () => {
    expect(['evaluation_error', 'undefined_result'].every(isEngineFailure)).toBe(true);
    expect(['not_allowed', 'allowed', 'malformed_path', ''].some(isEngineFailure)).toBe(false);
  });
});
