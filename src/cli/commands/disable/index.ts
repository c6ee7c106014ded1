/**
 * `disable <id> --tenant T --reason "..."` and `enable <id> --tenant T`: the kill switch, written into
 * plugins.yaml in place (edit.ts keeps comments and layout). The running BFF applies it at its next
 * reload; the policy then refuses the plugin (`plugin_disabled`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { command, CliError, EXIT, flag, str, UsageError, writeJson, writeLines, settings, type CommandSpec, type Io, type Values } from '../../shared/index.js';
import { disablePlugin, enablePlugin, KillSwitchEditError, type KillSwitchEdit } from './edit.js';

export { disablePlugin, enablePlugin, KillSwitchEditError, type KillSwitchEdit } from './edit.js';

const APPLIES = 'The BFF applies it at its next reload (it watches the file with CONFIG_WATCH; else restart it).';

export const disableSpec: CommandSpec = {
  name: 'disable',
  summary: 'Turn a plugin off for a tenant (the kill switch), in plugins.yaml',
  usage: ['disable <id> --tenant <host> --reason "<why>" [--config plugins.yaml]'],
  description: `Writes \`disabled: { reason: "<why>" }\` into the plugin's entry of the tenant, right under its id,
changing nothing else in the file (comments, quoting and layout are kept). After the reload the plugin
is gone from the manifests, its bundle answers 404, its API calls and streams are refused with
403 plugin_disabled and its open streams close. The reason is for operators: explain, the operators'
listener's /readyz and the log show it; browsers only see the code. ${APPLIES}`,
  options: {
    tenant: { type: 'string', value: '<host>', help: 'tenant host, e.g. localhost (required)' },
    reason: { type: 'string', value: '<why>', help: 'why, for operators: one line of 1-200 characters (required)' },
    ...settings.commonOptions('config', 'json'),
  },
  positionals: { min: 1, max: 1 },
  exitCodes: [
    [EXIT.ok, 'plugins.yaml written'],
    [EXIT.findings, 'not written: unknown tenant or plugin, already disabled, or the file cannot be read or edited'],
    [EXIT.usage, 'bad command line (no --tenant, no or a bad --reason)'],
  ],
  examples: ['experience-plugins disable orders --tenant localhost --reason "INC-1234: leaks order data"'],
};

export const enableSpec: CommandSpec = {
  name: 'enable',
  summary: 'Turn a disabled plugin on again for a tenant, in plugins.yaml',
  usage: ['enable <id> --tenant <host> [--config plugins.yaml]'],
  description: `Removes the plugin's \`disabled\` field (with a comment on its line) from its entry of the tenant,
changing nothing else in the file. ${APPLIES}`,
  options: {
    tenant: { type: 'string', value: '<host>', help: 'tenant host, e.g. localhost (required)' },
    ...settings.commonOptions('config', 'json'),
  },
  positionals: { min: 1, max: 1 },
  exitCodes: [
    [EXIT.ok, 'plugins.yaml written'],
    [EXIT.findings, 'not written: unknown tenant or plugin, not disabled, or the file cannot be read or edited'],
    [EXIT.usage, 'bad command line (no --tenant)'],
  ],
  examples: ['experience-plugins enable orders --tenant localhost'],
};

export const disableCommand = command(disableSpec, async ({ values, positionals }, io) => {
  const reason = str(values, 'reason');
  if (reason === undefined) throw new UsageError('--reason is required: say why, for whoever reads explain, /readyz on the operators listener, or the log');
  return edit(io, values, positionals, 'disable', (text, tenant, id) => disablePlugin(text, tenant, id, reason));
});

export const enableCommand = command(enableSpec, async ({ values, positionals }, io) =>
  edit(io, values, positionals, 'enable', (text, tenant, id) => enablePlugin(text, tenant, id)),
);

async function edit(io: Io, values: Values, positionals: readonly string[], verb: 'disable' | 'enable', change: (text: string, tenant: string, id: string) => KillSwitchEdit): Promise<number> {
  const tenant = str(values, 'tenant');
  if (tenant === undefined) throw new UsageError('--tenant is required (the tenant host, e.g. localhost)');
  const id = positionals[0] as string;
  const config = settings.pluginsFile(io, values);
  let text: string;
  try {
    text = await readFile(config.abs, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${config.shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let result: KillSwitchEdit;
  try {
    result = change(text, tenant, id);
  } catch (error) {
    if (!(error instanceof KillSwitchEditError)) throw error;
    // A reason the schema would refuse is the command line's fault, like a bad flag.
    if (error.code === 'invalid_disabled_reason') throw new UsageError(`--reason: ${error.message}`);
    const where = error.at.line > 0 ? `${config.shown}:${error.at.line}:${error.at.col}` : config.shown;
    if (flag(values, 'json')) writeJson(io, { file: config.shown, written: false, error: { code: error.code, line: error.at.line, col: error.at.col, path: error.at.path, message: error.message } });
    else writeLines(io.stderr, [`${where}${error.at.path ? `  ${error.at.path}` : ''}  ${error.message}`, `${config.shown}: not changed`]);
    return EXIT.findings;
  }
  await writeFile(config.abs, result.text);
  const done = verb === 'disable' ? `disabled plugin ${id} of tenant ${tenant}` : `enabled plugin ${id} of tenant ${tenant}${result.previousReason === undefined ? '' : ` (it was disabled: "${result.previousReason}")`}`;
  if (flag(values, 'json')) writeJson(io, { file: config.shown, written: true, tenant, plugin: id, action: verb === 'disable' ? 'disabled' : 'enabled', line: result.line, col: result.col, path: result.path, ...(result.previousReason === undefined ? {} : { previousReason: result.previousReason }) });
  else writeLines(io.stdout, [`${config.shown}:${result.line}:${result.col}  ${result.path}  ${done}`, `${config.shown}: written. ${APPLIES}`]);
  return EXIT.ok;
}
