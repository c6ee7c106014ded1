import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, GRANTS_YAML, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

const ENV = { EXPERIENCE_VERSION: '1.4.0' };
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  const hello = pluginEntry({ id: 'hello', version: '1.0.0', api: [['GET', '/api/hello']] });
  await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [hello] }), 'config/grants.yaml': GRANTS_YAML, 'build/text.wasm': 'not wasm', 'build/empty.wasm': '' });
});

describe('explain with a policy that cannot be loaded', () => {
  it.each([
    ['build/text.wasm', 'policy_not_wasm', 'not a WebAssembly module'],
    ['build/empty.wasm', 'policy_not_wasm', 'the module is empty'],
  ])('names %s as given, with the reason', async (file, code, message) => {
    const io = captureIo(dir, ENV);
    expect(await run(['explain', '--tenant', 'localhost', '--plugin', 'hello', '--path', '/api/hello', '--policy', file], io)).toBe(1);
    expect(io.err()).toMatch(new RegExp(`^experience-plugins explain: cannot load the policy ${file.replace('.', '\\.')} \\(${code}\\): ${message}`));
    expect(io.err()).not.toContain(dir);
  });
});
