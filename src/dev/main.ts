/**
 * `make dev`: the BFF (development mode, dev login, demo upstream), the shell and a dev server
 * per plugin, together on 127.0.0.1, with every edit picked up on the next page reload:
 *   - plugins/<id>/src/**: rebuilt by that plugin's dev server (served through the BFF's bundle route)
 *   - src/shell/**: rebuilt into build/dev/web (index.html points at the new files)
 *   - src/server/**, src/config/**, ...: the BFF restarts (tsx watch); sessions survive
 *   - config/plugins.yaml: checked, then rewritten to build/dev/plugins.yaml with bundle.url for
 *     each plugin with sources; the BFF reloads it. A new plugin folder gets its dev server.
 *   - config/grants.yaml, build/policy.wasm: reloaded by the BFF; policy/**.rego: `make policy` is run
 * Ctrl-C (or SIGTERM) stops everything and exits 0.
 *
 * Settings (environment): PORT (8080), METRICS_PORT (9464), HOST (127.0.0.1), PLUGINS_CONFIG,
 * GRANTS_CONFIG, DEV_PLUGINS_DIR (plugins), DEV_DIR (build/dev), and the BFF's own.
 */
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHostVersion, formatIssue, parsePluginsConfig } from '../config/index.js';
import { startBffChild, type BffChild } from './bff-child.js';
import { configuredIds, devPluginsYaml } from './dev-config.js';
import { discoverPlugins, type PluginSource } from './discover.js';
import { createPluginServers } from './plugin-servers.js';
import { runPolicyBuild } from './policy-build.js';
import { watchShell, type ShellWatch } from './shell-watch.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (line: string): void => {
  process.stdout.write(`[dev] ${line}\n`);
};

async function main(): Promise<void> {
  const env = process.env;
  const resolve = (value: string | undefined, fallback: string) => path.resolve(REPO, value?.trim() || fallback);
  const pluginsConfig = resolve(env.PLUGINS_CONFIG, 'config/plugins.yaml');
  const grantsConfig = resolve(env.GRANTS_CONFIG, 'config/grants.yaml');
  const pluginsDir = resolve(env.DEV_PLUGINS_DIR, 'plugins');
  const devDir = resolve(env.DEV_DIR, 'build/dev');
  const derivedConfig = path.join(devDir, 'plugins.yaml');
  // Relative inside the working directory (what editors link), absolute outside it.
  const shown = (file: string) => {
    const rel = path.relative(process.cwd(), file);
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
  };
  const port = env.PORT?.trim() || '8080';
  const servers = createPluginServers({ repoRoot: REPO, outDir: path.join(devDir, 'plugins'), log, show: shown });
  await mkdir(devDir, { recursive: true });

  const watchers: FSWatcher[] = [];

  let shell: ShellWatch | undefined;
  let bff: BffChild | undefined;
  let stopping = false;

  async function stop(code: number, bffSignalled = false): Promise<void> {
    if (stopping) return;
    stopping = true;
    for (const w of watchers) w.close();
    await Promise.all([servers.close(), shell?.close(), bff?.stop(bffSignalled)]);
    log('stopped');
    process.exit(code);
  }
  // Ctrl-C signals the whole foreground process group: the BFF got it too. SIGTERM is for us alone.
  process.on('SIGINT', () => void stop(0, true));
  process.on('SIGTERM', () => void stop(0));

  // Serialized: a burst of saves gives one sync at a time, each reading the files as they are then.
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => (syncing = syncing.then(syncConfig, (e: unknown) => log(`sync failed: ${String(e)}`)));

  async function syncConfig(): Promise<void> {
    if (stopping) return;
    const text = await readFile(pluginsConfig, 'utf8').catch(() => undefined);
    if (text === undefined) {
      log(`cannot read ${shown(pluginsConfig)}; the BFF keeps its last config`);
      return;
    }
    // The check the BFF would make in development: an invalid file is reported against its own lines, never rewritten.
    const parsed = parsePluginsConfig(text, { file: shown(pluginsConfig), mode: 'development', ...(env.PLUGINS_MOUNT ? { bundleMount: env.PLUGINS_MOUNT } : {}) });
    if (!parsed.ok) {
      for (const issue of parsed.issues) log(formatIssue(issue));
      log(`${shown(pluginsConfig)} has ${parsed.issues.length} issue(s); the BFF keeps its last config`);
      return;
    }
    const { plugins, skipped } = await discoverPlugins(pluginsDir);
    for (const s of skipped) log(`skipped ${s}`);
    const configured = configuredIds(parsed.value.tenants);
    const withSources: PluginSource[] = plugins.filter((p) => configured.has(p.id));
    for (const p of plugins.filter((p) => !configured.has(p.id))) log(`${p.id}: not in ${shown(pluginsConfig)}, so not served (experience-plugins new printed the entry to add)`);
    const urls = await servers.sync(withSources);
    const derived = devPluginsYaml(text, urls, shown(pluginsConfig));
    // Write and rename, so the BFF's reloader never reads half a file.
    const tmp = `${derivedConfig}.tmp`;
    await writeFile(tmp, derived);
    await rename(tmp, derivedConfig);
  }

  await sync();
  await syncing;
  shell = await watchShell({ repoRoot: REPO, webDir: path.join(devDir, 'web'), hostVersion: env.EXPERIENCE_VERSION?.trim() || defaultHostVersion(), log });

  // Folders, not files: editors replace files, which ends a file watch.
  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void sync(), 150);
  };
  const configName = path.basename(pluginsConfig);
  watchers.push(watch(path.dirname(pluginsConfig), (_e, name) => name === configName && soon()));
  // New, renamed or removed plugin folders and their plugin.json (the sources are esbuild's to watch).
  try {
    watchers.push(watch(pluginsDir, { recursive: true }, (_e, name) => (name === null || /^[^/]+(?:\/plugin\.json)?$/.test(name)) && soon()));
  } catch (error) {
    log(`cannot watch ${shown(pluginsDir)} (${(error as NodeJS.ErrnoException).code ?? String(error)}): plugins added there are not picked up until a restart`);
  }
  const policyDir = path.join(REPO, 'policy');
  let policyTimer: NodeJS.Timeout | undefined;
  watchers.push(
    watch(policyDir, { recursive: true }, (_e, name) => {
      if (name === null || !/\.rego$|capabilities\.json$/.test(name)) return;
      clearTimeout(policyTimer);
      policyTimer = setTimeout(() => runPolicyBuild(REPO, log), 300);
    }),
  );

  bff = startBffChild({
    repoRoot: REPO,
    env: {
      ...env,
      NODE_ENV: 'development',
      DEV_LOGIN: 'true',
      HOST: env.HOST?.trim() || '127.0.0.1',
      PORT: port,
      PLUGINS_CONFIG: derivedConfig,
      GRANTS_CONFIG: grantsConfig,
      WEB_ROOT: path.join(devDir, 'web'),
      // One key for the whole run: a restarted BFF still reads the sessions it issued.
      SESSION_KEYS: env.SESSION_KEYS?.trim() || randomBytes(32).toString('base64url'),
      SHUTDOWN_TIMEOUT_MS: env.SHUTDOWN_TIMEOUT_MS?.trim() || '2000',
    },
  });
  void bff.exited.then((code) => {
    if (stopping) return;
    log(`the BFF exited (${code}); stopping`);
    void stop(1);
  });
  log(`http://localhost:${port}: sign in as alice or bob; save a file, then reload the page. Ctrl-C stops.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dev: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
