import { beforeEach, describe, expect, it } from 'vitest';
import { bundleExporting, captureIo, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../index.js';

// A disabled plugin is valid config: validate passes, and says in a warning that it is off and why.
let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'plugins/hello/1.0.0/index.esm.js': bundleExporting('Hello') });
});

describe('validate: disabled plugins', () => {
  it('warns once per disabled plugin at its reason, with the tenant and how to turn it on', async () => {
    const entry = `${pluginEntry({ id: 'hello', routes: [['/hello', 'Hello']] })}\n      disabled: { reason: "INC-1" }`;
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [entry], 'acme.localhost': [pluginEntry({ id: 'hello', routes: [['/hello', 'Hello']] })] }) });
    const io = captureIo(dir, { EXPERIENCE_VERSION: '1.4.0' });
    const code = await run(['validate', '--mode', 'test'], io);
    expect(code).toBe(0);
    expect(io.out().trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^config\/plugins\.yaml:\d+:27 {2}tenants\.localhost\[0\]\.disabled\.reason {2}warning: hello is disabled in tenant localhost \("INC-1"\): left out of the manifests, its bundle, API calls and streams refused \(experience-plugins enable hello --tenant localhost turns it on\)$/),
      'config/plugins.yaml: valid, 0 errors, 1 warning (2 plugins in 2 tenants, 2 bundles checked)',
    ]);
  });

  it('points at a bad reason as an error, with file:line:col', async () => {
    const entry = `${pluginEntry({ id: 'hello', routes: [['/hello', 'Hello']] })}\n      disabled: { reason: "" }`;
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [entry] }) });
    const io = captureIo(dir, { EXPERIENCE_VERSION: '1.4.0' });
    expect(await run(['validate', '--mode', 'test'], io)).toBe(1);
    expect(io.out() + io.err()).toMatch(/config\/plugins\.yaml:\d+:27 {2}tenants\.localhost\[0\]\.disabled\.reason {2}"" is not a valid disabled reason/);
  });
});
