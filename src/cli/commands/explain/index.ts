import { ConfigError, dataDocumentJson, loadConfigFiles } from '../../../config/index.js';
import { createWasmEngine, EngineLoadError, isEngineFailure, type PolicyTools, type WasmEngine } from '../../../engine/index.js';
import { command, flag, list, str, UsageError, CliError, EXIT, writeJson, writeLines, loadTools, readPolicy, settings, parseYamlDoc, type CommandSpec, type Values, type Io } from '../../shared/index.js';
import type { ExplainContext } from './context.js';
import { explainAuthz, explainContributions } from './grants.js';
import { renderExplanation, type Explanation } from './render.js';
import { explainApi, explainSse } from './requests.js';
import { judgedTarget } from './target.js';

export type { Explanation } from './render.js';

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
policy (build/policy.wasm) and prints its decision, reason and the rule that decided, then
the policy's own explanation of it:
  --path      API request: the allow-list entry that matched, or the closest one and the
              segment (or method) where it differs. A query string, or a full URL, is read
              the way the BFF reads the request: the judged path is the path without the query
  --topic     SSE subscription: the topic prefix that matched, or the closest one
  --user      contributions (manifests): every route and widget of the tenant's compatible
              plugins, granted or withheld, and which role or user grant decided
  --resource  authz.evaluate: the grant that allowed it, or who else has one
Decision and explanation both come from the policy (its explanation entrypoints); this
command only places them in the YAML files and puts them in words.`,
  options: {
    tenant: { type: 'string', value: '<host>', help: 'tenant host, e.g. localhost (required)' },
    plugin: { type: 'string', value: '<id>', help: 'plugin id (the X-Plugin-Id the SDK stamps)' },
    method: { type: 'string', value: '<method>', help: 'HTTP method for --path (default GET)' },
    path: { type: 'string', value: '<path>', help: 'request path, e.g. /api/orders/42 (a query string or a full URL is read as the BFF reads it)' },
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

/** What `explain` loads: the engine the BFF would build, the policy's explanations, and the files they place. */
export interface LoadedExplainer {
  engine: WasmEngine;
  tools: PolicyTools;
  context: ExplainContext;
  policyFile: string;
  hostVersion: string;
}

export async function loadExplainer(io: Io, values: Values): Promise<LoadedExplainer> {
  const pluginsFile = settings.pluginsFile(io, values);
  const grantsFile = settings.grantsFile(io, values);
  const hostVersion = settings.hostVersion(io, values);
  let loaded;
  try {
    loaded = await loadConfigFiles({
      pluginsFile: pluginsFile.abs,
      grantsFile: grantsFile.abs,
      mode: settings.mode(io, values),
      hostVersion,
      bundleMount: settings.bundleMount(io, values),
      // What the policy decides does not depend on the pins; requiring them is validate's and the BFF's job.
      requireIntegrity: false,
    });
  } catch (error) {
    // The loader names files as it was given them (absolute); show them as the user named them.
    if (error instanceof ConfigError) {
      const shown = new Map([[pluginsFile.abs, pluginsFile.shown], [grantsFile.abs, grantsFile.shown]]);
      throw new ConfigError(error.issues.map((i) => ({ ...i, file: shown.get(i.file) ?? i.file })));
    }
    throw error;
  }
  const policy = await readPolicy(io, values);
  // Exactly the data document the BFF loads (src/config/data-document.ts).
  const dataJson = dataDocumentJson(loaded.registry);
  let engine: WasmEngine;
  try {
    engine = await createWasmEngine({ wasm: policy.wasm, dataJson, cache: false });
  } catch (error) {
    // The engine only sees bytes: name the file as the user did.
    if (error instanceof EngineLoadError) throw new CliError(`cannot load the policy ${policy.file} (${error.code}): ${error.message}`);
    throw error;
  }
  const tools = await loadTools(policy, dataJson);
  const context: ExplainContext = {
    registry: loaded.registry,
    plugins: loaded.plugins,
    grants: loaded.grants,
    pluginsFile: pluginsFile.shown,
    grantsFile: grantsFile.shown,
    pluginsDoc: parseYamlDoc(loaded.text.plugins),
    grantsDoc: parseYamlDoc(loaded.text.grants),
  };
  return { engine, tools, context, policyFile: policy.file, hostVersion };
}

/**
 * Asks the engine for the decision (as the BFF does) and the policy for its explanation, and places
 * it in the files; the exit code is 0 for allow (or a listing), 1 for deny. When the engine could
 * not decide there is no explanation to ask for.
 */
export function explain(loaded: LoadedExplainer, tenant: string, values: Values): { explanation: Explanation; allowed: boolean } {
  const q = question(values);
  const { engine, tools, context } = loaded;
  const ask = <T>(reason: string | undefined, get: () => T): T | undefined => (reason !== undefined && isEngineFailure(reason) ? undefined : get());
  const pluginId = str(values, 'plugin');
  const subject = { id: str(values, 'user') ?? '', roles: list(values, 'roles') ?? [] };
  switch (q.kind) {
    case 'api': {
      const target = judgedTarget(q.path);
      const input = { tenant, plugin_id: pluginId ?? null, method: q.method, path: target.path };
      const decision = engine.api(input);
      const explanation = explainApi(context, input, decision, ask(decision.reason, () => tools.explainApi(input)));
      if (target.note) explanation.note = target.note;
      return { explanation, allowed: decision.allow };
    }
    case 'sse': {
      const input = { tenant, plugin_id: pluginId ?? null, topic: q.topic };
      const decision = engine.sse(input);
      return { explanation: explainSse(context, input, decision, ask(decision.reason, () => tools.explainSse(input))), allowed: decision.allow };
    }
    case 'contributions': {
      const input = { tenant, user: subject };
      const decision = engine.contributions(input);
      const explained = ask(decision.reason, () => tools.explainContributions(input));
      return { explanation: explainContributions(context, input, decision, explained), allowed: decision.reason === undefined };
    }
    case 'authz': {
      const input = { tenant, subject, resource: q.resource, action: q.action };
      const decision = engine.authz(input);
      return { explanation: explainAuthz(context, input, decision, ask(decision.reason, () => tools.explainAuthz(input))), allowed: decision.allow };
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
