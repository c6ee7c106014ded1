import { readFile } from 'node:fs/promises';
import { ConfigError, dataDocumentJson, loadConfigFiles } from '../../config/index.js';
import { createWasmEngine, EngineLoadError, type WasmEngine } from '../../engine/index.js';
import { command, flag, list, str, UsageError, type CommandSpec, type Values } from '../args.js';
import { CliError } from '../cli-error.js';
import type { ExplainContext } from '../explain/context.js';
import { explainAuthz, explainContributions } from '../explain/grants.js';
import { renderExplanation, type Explanation } from '../explain/render.js';
import { explainApi, explainSse } from '../explain/requests.js';
import { EXIT, writeJson, writeLines, type Io } from '../io.js';
import * as settings from '../settings.js';
import { parseYamlDoc } from '../yaml-doc.js';

export const explainSpec: CommandSpec = {
  name: 'explain',
  summary: 'Run a real policy decision and say why it came out as it did',
  usage: [
    'explain --tenant <host> --plugin <id> [--method GET] --path </api/...>',
    'explain --tenant <host> --plugin <id> --topic <topic>',
    'explain --tenant <host> --user <id> [--roles a,b]',
    'explain --tenant <host> --user <id> [--roles a,b] --resource <r> --action <a>',
  ],
  description: `Loads plugins.yaml and grants.yaml exactly as the BFF does, evaluates the compiled
policy (build/policy.wasm) and prints its decision and reason, then explains it:
  --path      API request: the allow-list entry that matched, or the closest one and the
              segment (or method) where it differs
  --topic     SSE subscription: the topic prefix that matched, or the closest one
  --user      contributions (manifests): every route and widget of the tenant's compatible
              plugins, granted or withheld, and which role or user grant decided
  --resource  authz.evaluate: the grant that allowed it, or who else has one
The decision is the policy's; the explanation is computed from the same compiled data.`,
  options: {
    tenant: { type: 'string', value: '<host>', help: 'tenant host, e.g. localhost (required)' },
    plugin: { type: 'string', value: '<id>', help: 'plugin id (the X-Plugin-Id the SDK stamps)' },
    method: { type: 'string', value: '<method>', help: 'HTTP method for --path (default GET)' },
    path: { type: 'string', value: '<path>', help: 'request path without the query, e.g. /api/orders/42' },
    topic: { type: 'string', value: '<topic>', help: 'SSE topic, e.g. orders.created' },
    user: { type: 'string', value: '<id>', help: 'user id for contributions and authz' },
    roles: { type: 'string', multiple: true, value: '<a,b>', help: "the user's roles, comma-separated" },
    resource: { type: 'string', value: '<resource>', help: 'authz resource, e.g. orders.widget' },
    action: { type: 'string', value: '<action>', help: 'authz action, e.g. view' },
    ...settings.commonOptions('config', 'grants', 'policy', 'host-version', 'mode', 'plugins-mount', 'json'),
  },
  positionals: { min: 0, max: 0 },
  exitCodes: [
    [EXIT.ok, 'allowed (API, SSE, authz), or contributions listed'],
    [EXIT.findings, 'denied, or the config or policy could not be loaded'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: [
    'experience-plugins explain --tenant localhost --plugin orders --method GET --path /api/orders/42',
    'experience-plugins explain --tenant localhost --plugin orders --topic orders.created',
    'experience-plugins explain --tenant localhost --user alice --roles member,dashboard-user',
    'experience-plugins explain --tenant localhost --user bob --roles member --resource orders.widget --action view',
  ],
};

type Question =
  | { kind: 'api'; method: string; path: string }
  | { kind: 'sse'; topic: string }
  | { kind: 'contributions' }
  | { kind: 'authz'; resource: string; action: string };

function question(values: Values): Question {
  const path = str(values, 'path');
  const topic = str(values, 'topic');
  const resource = str(values, 'resource');
  const action = str(values, 'action');
  const asked = [path !== undefined && '--path', topic !== undefined && '--topic', (resource ?? action) !== undefined && '--resource/--action'].filter(Boolean);
  if (asked.length > 1) throw new UsageError(`ask one question at a time: ${asked.join(' and ')} given`);
  if (path !== undefined) return { kind: 'api', method: str(values, 'method') ?? 'GET', path };
  if (str(values, 'method') !== undefined) throw new UsageError('--method needs --path');
  if (topic !== undefined) return { kind: 'sse', topic };
  if (resource !== undefined || action !== undefined) {
    if (resource === undefined || action === undefined) throw new UsageError('--resource and --action go together');
    return { kind: 'authz', resource, action };
  }
  if (str(values, 'user') === undefined && list(values, 'roles') === undefined) {
    throw new UsageError('say what to explain: --path (API), --topic (SSE), --user/--roles (contributions) or --resource/--action (authz)');
  }
  return { kind: 'contributions' };
}

/** What `explain` loads: the engine the BFF would build, and the context to explain its decisions. */
export interface LoadedExplainer {
  engine: WasmEngine;
  context: ExplainContext;
  policyFile: string;
  hostVersion: string;
}

export async function loadExplainer(io: Io, values: Values): Promise<LoadedExplainer> {
  const pluginsFile = settings.pluginsFile(io, values);
  const grantsFile = settings.grantsFile(io, values);
  const policyFile = settings.policyFile(io, values);
  const hostVersion = settings.hostVersion(io, values);
  let loaded;
  try {
    loaded = await loadConfigFiles({
      pluginsFile: pluginsFile.abs,
      grantsFile: grantsFile.abs,
      mode: settings.mode(io, values),
      hostVersion,
      bundleMount: settings.bundleMount(io, values),
    });
  } catch (error) {
    // The loader names files as it was given them (absolute); show them as the user named them.
    if (error instanceof ConfigError) {
      const shown = new Map([[pluginsFile.abs, pluginsFile.shown], [grantsFile.abs, grantsFile.shown]]);
      throw new ConfigError(error.issues.map((i) => ({ ...i, file: shown.get(i.file) ?? i.file })));
    }
    throw error;
  }
  let wasm: Uint8Array;
  try {
    wasm = await readFile(policyFile.abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`cannot read the policy ${policyFile.shown} (${code}): build it with \`make policy\`, or pass --policy <file>`);
  }
  // Exactly the data document the BFF loads (src/config/data-document.ts).
  let engine: WasmEngine;
  try {
    engine = await createWasmEngine({ wasm, dataJson: dataDocumentJson(loaded.registry), cache: false });
  } catch (error) {
    // The engine only sees bytes: name the file as the user did.
    if (error instanceof EngineLoadError) throw new CliError(`cannot load the policy ${policyFile.shown} (${error.code}): ${error.message}`);
    throw error;
  }
  const context: ExplainContext = {
    registry: loaded.registry,
    plugins: loaded.plugins,
    grants: loaded.grants,
    pluginsFile: pluginsFile.shown,
    grantsFile: grantsFile.shown,
    pluginsDoc: parseYamlDoc(loaded.text.plugins),
    grantsDoc: parseYamlDoc(loaded.text.grants),
  };
  return { engine, context, policyFile: policyFile.shown, hostVersion };
}

/** Asks the engine and explains its answer; the exit code is 0 for allow (or a listing), 1 for deny. */
export function explain(loaded: LoadedExplainer, tenant: string, values: Values): { explanation: Explanation; allowed: boolean } {
  const q = question(values);
  const { engine, context } = loaded;
  const pluginId = str(values, 'plugin');
  const subject = { id: str(values, 'user') ?? '', roles: list(values, 'roles') ?? [] };
  switch (q.kind) {
    case 'api': {
      const input = { tenant, plugin_id: pluginId ?? null, method: q.method, path: q.path };
      const decision = engine.api(input);
      return { explanation: explainApi(context, input, decision), allowed: decision.allow };
    }
    case 'sse': {
      const input = { tenant, plugin_id: pluginId ?? null, topic: q.topic };
      const decision = engine.sse(input);
      return { explanation: explainSse(context, input, decision), allowed: decision.allow };
    }
    case 'contributions': {
      const input = { tenant, user: subject };
      const decision = engine.contributions(input);
      return { explanation: explainContributions(context, input, decision), allowed: decision.reason === undefined };
    }
    case 'authz': {
      const input = { tenant, subject, resource: q.resource, action: q.action };
      const decision = engine.authz(input);
      return { explanation: explainAuthz(context, input, decision), allowed: decision.allow };
    }
  }
}

export const explainCommand = command(explainSpec, async ({ values }, io) => {
  const tenant = str(values, 'tenant');
  if (tenant === undefined) throw new UsageError('--tenant is required (the request host, e.g. localhost)');
  question(values); // usage errors before the (slower) loading
  const loaded = await loadExplainer(io, values);
  const { explanation, allowed } = explain(loaded, tenant, values);
  const { policy, data } = loaded.engine.revision;
  if (flag(values, 'json')) {
    writeJson(io, { ...explanation, policy: { file: loaded.policyFile, revision: policy, data }, host_version: loaded.hostVersion });
  } else {
    writeLines(io.stdout, renderExplanation(explanation, { policyFile: loaded.policyFile, revision: loaded.engine.revision, hostVersion: loaded.hostVersion }));
  }
  return allowed ? EXIT.ok : EXIT.findings;
});
