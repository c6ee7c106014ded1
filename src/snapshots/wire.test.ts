import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import { EngineLoadError } from '../engine/index.js';
import { fromWire, toWire } from './wire.js';

/** Through the structured clone the child's IPC channel (advanced serialisation) uses. */
const across = (error: unknown) => fromWire(deserialize(serialize(toWire(error))) as ReturnType<typeof toWire>);

describe('errors across the process boundary', () => {
  it('keep a ConfigError with every issue', () => {
    const issues = [
      { code: 'yaml_syntax', file: '/srv/plugins.yaml', line: 3, col: 5, path: 'tenants', message: 'bad' },
      { code: 'schema', file: '/srv/grants.yaml', line: 1, col: 1, path: '', message: 'worse' },
    ];
    const back = across(new ConfigError(issues));
    expect(back).toBeInstanceOf(ConfigError);
    expect(back).toMatchObject({ code: 'config_invalid', issues, message: new ConfigError(issues).message });
  });

  it('keep an EngineLoadError with its code, message and file', () => {
    expect(across(new EngineLoadError('policy_unreadable', 'cannot read the file (ENOENT)'))).toMatchObject({ code: 'policy_unreadable', message: 'cannot read the file (ENOENT)', file: undefined });
    const named = across(new EngineLoadError('policy_not_wasm', 'no', { file: 'p.wasm' }));
    expect(named).toBeInstanceOf(EngineLoadError);
    expect(named).toMatchObject({ code: 'policy_not_wasm', file: 'p.wasm' });
  });

  it('turn anything else into a plain Error with its name, message and stack', () => {
    const thrown = new TypeError('x is not a function');
    const back = across(thrown);
    expect(back).not.toBeInstanceOf(ConfigError);
    expect(back).toMatchObject({ name: 'TypeError', message: 'x is not a function', stack: thrown.stack });
    expect(across('a string')).toMatchObject({ name: 'Error', message: 'a string' });
  });
});
