import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../test/support/opa.js';
import { ENTRYPOINTS, TOOL_ENTRYPOINTS } from './entrypoints.js';
import { EngineLoadError, PolicyToolError } from './errors.js';
import { createPolicyTools } from './policy-tools.js';

// Small real policies for the tool entrypoints, built with the OPA CLI: answers of the documented
// shape, a conflict (evaluation error), an undefined result and answers of the wrong shape.
const RULE = '{"reason": "allowed", "title": "Allowed", "description": "Yes."}';
const POLICIES = {
  'api.rego': `package experience.api
explanation := {"decision": {"allow": true, "reason": "allowed", "plugin_id": "p", "matched": "GET /a"}, "rule": ${RULE},
  "path": {"malformations": []},
  "entries": [{"index": 0, "method": "GET", "template": "/a", "method_matches": true, "path_matches": true, "matched_segments": 1}]} if input.path == "/a"
explanation := {"decision": {"allow": true, "reason": "allowed", "plugin_id": "p"}, "rule": ${RULE}, "path": {"malformations": []}, "entries": []} if input.path == "/no-match"
explanation := {"decision": {"allow": false, "reason": "not_allowed"}, "rule": ${RULE}, "path": {"malformations": []}, "entries": [{"index": -1}]} if input.path == "/bad-entry"
`,
  'sse.rego': `package experience.sse
explanation := 1 if input.topic == "conflict"
explanation := 2 if input.topic == "conflict"
`,
  'contributions.rego': `package experience.contributions
explanation := {"decision": {"plugins": []}, "plugins": [{"id": "p", "version": "1", "listed": false, "rule": ${RULE}, "routes": [], "widgets": []}]}
`,
  'authz.rego': `package experience.authz
explanation := {"decision": {"allow": true, "reason": "granted"}, "rule": ${RULE},
  "grants": [{"kind": "role", "name": "r", "index": 0, "grant": {"resource": "x", "action": "y"}, "held": true}]} if input.resource == "x"
explanation := {"decision": {"allow": true, "reason": "granted"}, "rule": ${RULE},
  "grants": [{"kind": "group", "name": "r", "index": 0, "grant": {}, "held": true}]} if input.resource == "group"
`,
  'tooling.rego': `package experience.tooling
covers := {"api": [[0, 0]], "sse": []} if count(input.api.outer) == 1
covers := {"api": [[0]], "sse": []} if count(input.api.outer) == 2
covers := {"api": [], "sse": [], "grants": [[0, 0]]} if count(input.grants.outer) == 1
covers := {"api": [], "sse": [], "grants": "x"} if count(input.grants.outer) == 2
declared := {"paths": [{"coverage": "declared", "methods": ["GET"]}], "topics": []} if count(input.topics) == 0
declared := {"paths": [{"coverage": "declared", "methods": ["GET"]}], "topics": ["maybe"]} if count(input.topics) == 1
granted := {"granted": [true]}
`,
};

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await buildWasm(POLICIES, Object.values(TOOL_ENTRYPOINTS));
}, 60_000);

const api = (path: string) => ({ tenant: 't', plugin_id: 'p', method: 'GET', path });
const entry = { method: 'GET', template: '/a', prefix: false, segments: [{ literal: 'a' }] };
const grant = { resource: 'x', action: 'y' };

describe('createPolicyTools', () => {
  it('passes answers of the documented shape through', async () => {
    const tools = await createPolicyTools({ wasm, dataJson: '{}' });
    expect(tools.explainApi(api('/a')).entries[0]).toMatchObject({ index: 0, path_matches: true });
    expect(tools.explainContributions({ tenant: 't', user: { id: 'u', roles: [] } }).plugins[0]).toMatchObject({ id: 'p', listed: false });
    expect(tools.explainAuthz({ tenant: 't', subject: { id: 'u', roles: [] }, resource: 'x', action: 'y' }).grants).toHaveLength(1);
    expect(tools.covers({ api: { outer: [entry], inner: [entry] } })).toEqual({ api: [[0, 0]], sse: [] });
    expect(tools.declared({ api: [], sse: [], paths: [{ method: 'GET', pattern: [{ literal: 'a' }] }], topics: [] }).paths).toEqual([{ coverage: 'declared', methods: ['GET'] }]);
    expect(tools.granted({ grants: { roles: {}, users: {} }, wanted: [{ resource: 'x', action: 'y' }] })).toEqual({ granted: [true] });
  });

  it('answers grant pairs when the module has them, and says when it has none (a module built before them)', async () => {
    const tools = await createPolicyTools({ wasm });
    expect(tools.covers({ grants: { outer: [grant], inner: [grant] } })).toEqual({ api: [], sse: [], grants: [[0, 0]] });
    expect(tools.covers({ api: { outer: [entry], inner: [entry] } }).grants).toBeUndefined();
  });

  it('needs no data for the relations', async () => {
    const tools = await createPolicyTools({ wasm });
    expect(tools.revision.policy).toMatch(/^[0-9a-f]{12}$/);
    expect(tools.granted({ grants: { roles: {}, users: {} }, wanted: [{ resource: 'x', action: 'y' }] }).granted).toEqual([true]);
  });

  it('throws PolicyToolError for an evaluation error, naming the entrypoint', async () => {
    const tools = await createPolicyTools({ wasm });
    expect(() => tools.explainSse({ tenant: 't', plugin_id: 'p', topic: 'conflict' })).toThrow(PolicyToolError);
    expect(() => tools.explainSse({ tenant: 't', plugin_id: 'p', topic: 'conflict' })).toThrow(/^experience\/sse\/explanation failed: /);
  });

  it('throws for an undefined answer instead of passing for "nothing matched"', async () => {
    const tools = await createPolicyTools({ wasm });
    expect(() => tools.explainApi(api('/other'))).toThrow('experience/api/explanation gave no result');
  });

  it.each([
    ['an allow that names no entry', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.explainApi(api('/no-match'))],
    ['an entry without its fields', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.explainApi(api('/bad-entry'))],
    ['a grant of an unknown kind', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.explainAuthz({ tenant: 't', subject: { id: 'u', roles: [] }, resource: 'group', action: 'y' })],
    ['a pair that is not a pair', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.covers({ api: { outer: [entry, entry], inner: [] } })],
    ['grant pairs that are not a list', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.covers({ grants: { outer: [grant, grant], inner: [] } })],
    ['a coverage that is not one', (t: Awaited<ReturnType<typeof createPolicyTools>>) => t.declared({ api: [], sse: [], paths: [{ method: null, pattern: [] }], topics: ['t'] })],
  ])('refuses %s', async (_, ask) => {
    const tools = await createPolicyTools({ wasm });
    expect(() => ask(tools)).toThrow(/gave a result of the wrong shape/);
  });

  it('refuses answers for a different number of questions', async () => {
    const tools = await createPolicyTools({ wasm });
    expect(() => tools.declared({ api: [], sse: [], paths: [], topics: [] })).toThrow(/different number of paths or topics/);
    expect(() => tools.granted({ grants: { roles: {}, users: {} }, wanted: [] })).toThrow(/answered for 1 of 0 resources/);
  });

  it('refuses a module without the tool entrypoints, naming them', async () => {
    const decisionsOnly = await buildWasm({ 'api.rego': 'package experience.api\ndecision := {"allow": false, "reason": "not_allowed"}\n' }, [ENTRYPOINTS.api]);
    await expect(createPolicyTools({ wasm: decisionsOnly })).rejects.toThrow(EngineLoadError);
    await expect(createPolicyTools({ wasm: decisionsOnly })).rejects.toThrow(/lacks entrypoint\(s\) experience\/api\/explanation, .*experience\/tooling\/granted/);
  });
});
