import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { ConfigError } from './config-error.js';
import { formatIssue, formatPath, sortIssues } from './issue.js';
import type { ConfigIssue } from './types.js';

const issue = (over: Partial<ConfigIssue> = {}): ConfigIssue => ({
  code: 'invalid_version',
  file: 'config/plugins.yaml',
  line: 4,
  col: 16,
  path: 'tenants.localhost[1].version',
  message: 'version "1.0" is not a semver version (e.g. "1.0.0")',
  ...over,
});

describe('formatIssue', () => {
  it('renders file:line:col  path  message', () => {
    expect(formatIssue(issue())).toBe('config/plugins.yaml:4:16  tenants.localhost[1].version  version "1.0" is not a semver version (e.g. "1.0.0")');
  });

  it('leaves out a position it does not have and an empty path', () => {
    expect(formatIssue(issue({ line: 0, col: 0, path: '', message: 'the file holds no YAML document' }))).toBe('config/plugins.yaml  the file holds no YAML document');
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['tenants', 'localhost', 1, 'permissions', 'api', 0, 'path'])).toBe('tenants.localhost[1].permissions.api[0].path');
    expect(formatPath(['tenants', 'acme.localhost', 0])).toBe('tenants.acme.localhost[0]');
    expect(formatPath([])).toBe('');
  });
});

describe('sortIssues', () => {
  it('orders by position within each file, keeps file order, drops exact duplicates', () => {
    const a = issue({ file: 'p.yaml', line: 9 });
    const b = issue({ file: 'p.yaml', line: 2 });
    const c = issue({ file: 'g.yaml', line: 1 });
    expect(sortIssues([a, c, b, a])).toEqual([b, a, c]);
  });
});

describe('ConfigError', () => {
  it('is an InputError with code config_invalid, its issues and a one-line summary', () => {
    const error = new ConfigError([issue(), issue({ line: 7 })]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('config_invalid');
    expect(error.issues).toHaveLength(2);
    expect(error.message).toBe(`config invalid (2 issues); first: ${formatIssue(issue())}`);
    expect(new ConfigError([issue()]).message).toMatch(/^config invalid \(1 issue\); first: /);
  });
});
