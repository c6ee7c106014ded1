import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import type { ConfigIssue } from '../config/types.js';
import { EngineLoadError } from '../engine/index.js';
import { SnapshotBuildError } from './errors.js';
import { describeLoadFailure, loadIssues, nameFiles } from './load-failure.js';

const files = {
  pluginsFile: '/srv/bff/conf/plugins.yaml',
  grantsFile: '/srv/bff/conf/grants.yaml',
  policyFile: '/etc/bff/p.wasm',
  shownFiles: { plugins: 'conf/plugins.yaml', grants: 'conf/grants.yaml', policy: '/etc/bff/p.wasm' },
};
const issue = (file: string, code = 'schema'): ConfigIssue => ({ code, file, line: 3, col: 5, path: 'tenants', message: 'bad' });

describe('nameFiles', () => {
  it('renames config issues to the configured names, both files, leaving other files alone', () => {
    const named = nameFiles(new ConfigError([issue(files.pluginsFile), issue(files.grantsFile), issue('/elsewhere.yaml')]), files);
    expect(named).toBeInstanceOf(ConfigError);
    expect((named as ConfigError).issues.map((i) => i.file)).toEqual(['conf/plugins.yaml', 'conf/grants.yaml', '/elsewhere.yaml']);
    expect((named as ConfigError).message).toBe('config invalid (3 issues); first: conf/plugins.yaml:3:5  tenants  bad');
  });

  it('gives a policy error the configured policy file, message unchanged', () => {
    const named = nameFiles(new EngineLoadError('policy_not_wasm', 'not a WebAssembly module'), files) as EngineLoadError;
    expect(named).toMatchObject({ code: 'policy_not_wasm', file: '/etc/bff/p.wasm', message: 'not a WebAssembly module' });
  });

  it('names the files as read when no shown names are given', () => {
    const { shownFiles: _shown, ...plain } = files;
    expect((nameFiles(new EngineLoadError('policy_unreadable', 'x'), plain) as EngineLoadError).file).toBe('/etc/bff/p.wasm');
    expect((nameFiles(new ConfigError([issue(files.grantsFile)]), plain) as ConfigError).issues[0]?.file).toBe(files.grantsFile);
  });
});

describe('describeLoadFailure', () => {
  it.each([
    ['a config error', new ConfigError([issue(files.pluginsFile, 'yaml_syntax')]), [{ code: 'yaml_syntax', file: 'conf/plugins.yaml', line: 3, message: 'bad' }], /^config invalid \(1 issue\); first: conf\/plugins\.yaml:3:5/],
    ['a policy error', new EngineLoadError('policy_entrypoints_missing', 'the policy lacks entrypoint(s) x'), [{ code: 'policy_entrypoints_missing', file: '/etc/bff/p.wasm', line: 0, col: 0, path: '', message: 'the policy lacks entrypoint(s) x' }], /^\/etc\/bff\/p\.wasm {2}the policy lacks entrypoint\(s\) x$/],
    ['a build that timed out', new SnapshotBuildError('snapshot_build_timeout', 'the reload did not finish within 5 s'), [{ code: 'snapshot_build_timeout', file: '', line: 0, col: 0, path: '', message: 'the reload did not finish within 5 s' }], /^the reload did not finish within 5 s$/],
    ['a build whose process crashed', new SnapshotBuildError('snapshot_build_crashed', 'the process stopped'), [{ code: 'snapshot_build_crashed', file: '', message: 'the process stopped' }], /^the process stopped$/],
    ['anything else', new TypeError('boom at /srv/bff/internal.ts'), [{ code: 'internal_error', file: '', message: 'unexpected error while loading (see the log)' }], /^boom/],
  ])('reports %s as issues, never none', (_what, error, issues, summary) => {
    const described = describeLoadFailure(error, files);
    expect(described.issues).toMatchObject(issues);
    expect(described.summary).toMatch(summary);
    // An unexpected error's text goes to the log (summary), never into an issue.
    expect(JSON.stringify(described.issues)).not.toContain('internal.ts');
  });

  it('loadIssues is what start-up prints', () => {
    expect(loadIssues(new EngineLoadError('policy_not_opa', 'no', { file: 'p.wasm' }))).toEqual([{ code: 'policy_not_opa', file: 'p.wasm', line: 0, col: 0, path: '', message: 'no' }]);
  });
});
