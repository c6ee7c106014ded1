import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, command, EXIT, settings, str, UsageError, writeJson, type CommandSpec } from '../../shared/index.js';
import { scaffoldNames } from './names.js';
import { grantsEntry, pluginsEntry, scaffoldFiles } from './templates.js';

export const newSpec: CommandSpec = {
  name: 'new',
  summary: 'Scaffold a plugin: plugin.json, components using the SDK, a first test, and its config entries',
  usage: ['new <id> [options]'],
  description: `Creates plugins/<id>/ (or --dir <folder>/<id>/): plugin.json, src/index.tsx with a page
(route /<id>, or --route) and a dashboard.main widget that take the SDK as a prop, and
src/index.test.tsx rendering both. Prints the plugins.yaml entry and the grants.yaml items to
paste; with them in place the plugin builds (node scripts/build-web.mjs --plugins), passes
\`harness\`, and renders under \`make dev\` on the next page load. Refuses an id that is not a
plugin id, a route the SPA leaves to the BFF, and a folder that exists. Writes nothing else.`,
  options: {
    dir: { type: 'string', value: '<folder>', help: 'the plugins folder to create <id>/ in (default plugins)' },
    version: { type: 'string', value: '<semver>', help: 'the first version (default 0.1.0)' },
    route: { type: 'string', value: '<path>', help: 'the page\'s route (default /<id>)' },
    tenant: { type: 'string', value: '<host>', help: 'the tenant the printed entries are for (default localhost)' },
    ...settings.commonOptions('host-version', 'plugins-mount', 'json'),
  },
  positionals: { min: 1, max: 1 },
  exitCodes: [
    [EXIT.ok, 'created; the entries to paste are printed'],
    [EXIT.findings, 'the folder exists, or could not be written'],
    [EXIT.usage, 'bad command line (an id that is not a plugin id, a reserved route)'],
  ],
  examples: ['experience-plugins new my-plugin', 'experience-plugins new reports --route /reports/overview --tenant acme.localhost'],
};

export const newCommand = command(newSpec, async ({ values, positionals }, io) => {
  const id = positionals[0] as string;
  const names = scaffoldNames(id, { version: str(values, 'version') ?? '0.1.0', hostVersion: settings.hostVersion(io, values), ...(str(values, 'route') ? { route: str(values, 'route') as string } : {}) });
  if (!names.ok) throw new UsageError(names.reason);
  const n = names.value;
  const tenant = str(values, 'tenant') ?? 'localhost';
  const folder = settings.fileRef(io, path.join(str(values, 'dir') ?? 'plugins', id));
  // lstat, not stat: a dangling symlink in the way is in the way too.
  if (await lstat(folder.abs).then(() => true, () => false)) throw new CliError(`${folder.shown} already exists; nothing written (pick another id, or remove it)`);
  const files = scaffoldFiles(n);
  try {
    await mkdir(path.dirname(folder.abs), { recursive: true });
    // Not recursive: if another process created the folder meanwhile, this fails instead of writing into it.
    await mkdir(folder.abs);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(folder.abs, name)), { recursive: true });
      await writeFile(path.join(folder.abs, name), text, { flag: 'wx' });
    }
  } catch (error) {
    throw new CliError(`cannot create ${folder.shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  const created = Object.keys(files).map((f) => `${folder.shown}/${f}`);
  const plugins = pluginsEntry(n, settings.bundleMount(io, values));
  const grants = grantsEntry(n);
  const bundle = `${folder.shown}/${n.version}/index.esm.js`;
  if (values['json'] === true) {
    writeJson(io, { id, version: n.version, route: n.route, components: [n.page, n.widget], files: created, tenant, pluginsYaml: plugins, grantsYaml: grants });
    return EXIT.ok;
  }
  io.stdout(
    [
      `Created ${created.join(', ')}`,
      '',
      `Add to plugins.yaml, under tenants.${tenant}:`,
      '',
      plugins,
      `Add to grants.yaml, to these roles' lists under tenants.${tenant}.roles (or to the roles or users who should see it):`,
      '',
      grants,
      'Then:',
      `  make dev                                     # renders at ${n.route} and on the dashboard; edits show on reload`,
      `  node scripts/build-web.mjs --plugins         # the release bundle, ${bundle}`,
      `  experience-plugins harness ${folder.shown}`,
      `  experience-plugins hash --write --add ${bundle}   # pin it: production requires bundle.integrity`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
});
