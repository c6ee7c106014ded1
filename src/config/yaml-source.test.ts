import { describe, expect, it } from 'vitest';
import { parsePluginsConfig } from './parse-plugins.js';
import { readYaml } from './yaml-source.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const issuesOf = (text: string) => {
  const r = readYaml(text, 'x.yaml');
  return r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.message]);
};

describe('readYaml', () => {
  it('reports a syntax error with line and column, once, not its cascade', () => {
    expect(issuesOf(lines('tenants:', '  localhost:', '    - id: [hello', '  other: []'))).toEqual([
      ['yaml_syntax', '4:3', 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ]);
    const cascade = issuesOf(lines('a:', '  - { x: "/a/{b}", y: 1 }', '  - { x: /a/{b}, y: 2 }', '  - { x: /c/{d}, y: 3 }'));
    expect(cascade).toHaveLength(1);
    expect(cascade[0]?.slice(0, 2)).toEqual(['yaml_syntax', '3:13']);
  });

  it('refuses tabs as indentation and unclosed quotes', () => {
    expect(issuesOf('a:\n\t- b\n')).toEqual([['yaml_syntax', '2:1', 'Tabs are not allowed as indentation']]);
    // The parser notices a missing quote where the input ends.
    expect(issuesOf('a: "unclosed\n')).toEqual([['yaml_syntax', '2:1', 'Missing closing "quote']]);
  });

  it('reports every duplicate key at the repeated key', () => {
    expect(issuesOf(lines('tenants:', '  localhost: []', '  other: []', '  localhost: []', 'tenants: {}'))).toEqual([
      ['yaml_duplicate_key', '4:3', 'Map keys must be unique'],
      ['yaml_duplicate_key', '5:1', 'Map keys must be unique'],
    ]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = lines(
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
    );
    const issues = issuesOf(bomb);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.slice(0, 2)).toEqual(['yaml_alias_limit', '2:8']);
    expect(issues[0]?.[2]).toMatch(/resource exhaustion/);
  });

  it('allows ordinary anchors and aliases', () => {
    const r = readYaml(lines('base: &b { a: 1 }', 'copy: *b'), 'x.yaml');
    expect(r.ok && r.source.data).toEqual({ base: { a: 1 }, copy: { a: 1 } });
  });

  it('refuses an empty file, a comments-only file and several documents', () => {
    expect(issuesOf('')).toEqual([['empty_file', '0:0', 'the file holds no YAML document']]);
    expect(issuesOf('# nothing here\n')).toEqual([['empty_file', '0:0', 'the file holds no YAML document']]);
    expect(issuesOf('a: 1\n---\nb: 2\n')).toEqual([['yaml_syntax', '2:1', 'Source contains multiple documents; please use YAML.parseAllDocuments()']]);
  });

  it('refuses unknown tags rather than guessing', () => {
    expect(issuesOf('a: !secret value\n')).toEqual([['yaml_warning', '1:4', 'Unresolved tag: !secret']]);
  });

  it('reads YAML 1.2: yes/no/on/off stay strings, a leading BOM is fine', () => {
    const r = readYaml('\uFEFFa: yes\nb: off\n', 'x.yaml');
    expect(r.ok && r.source.data).toEqual({ a: 'yes', b: 'off' });
  });

  it('locates values, keys, and the nearest ancestor of a missing field', () => {
    const r = readYaml(lines('top:', '  list:', '    - name: a', '    - { name: b }', '  empty:'), 'x.yaml');
    if (!r.ok) throw new Error('parse failed');
    const { locate } = r.source;
    expect(locate([])).toEqual({ line: 1, col: 1 });
    expect(locate(['top', 'list', 0, 'name'])).toEqual({ line: 3, col: 13 });
    expect(locate(['top', 'list', 0, 'name'], 'key')).toEqual({ line: 3, col: 7 });
    expect(locate(['top', 'list', 1, 'name'])).toEqual({ line: 4, col: 15 });
    expect(locate(['top', 'list', 1, 'missing'])).toEqual({ line: 4, col: 7 });
    expect(locate(['top', 'list', 9])).toEqual({ line: 3, col: 5 });
    expect(locate(['top', 'empty'])).toEqual({ line: 5, col: 3 });
  });

  it('locates through an alias at the anchored node', () => {
    const text = lines(
      'tenants:',
      '  localhost:',
      '    - &hello',
      '      id: hello',
      '      version: "1.0"',
      '      engine: { experience: "*" }',
      '      bundle: { file: /app/plugins/hello/index.js }',
      '  acme.localhost:',
      '    - *hello',
    );
    const r = parsePluginsConfig(text, { file: 'p.yaml', mode: 'test' });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path])).toEqual([
      ['invalid_version', '5:16', 'tenants.localhost[0].version'],
      ['invalid_version', '5:16', 'tenants.acme.localhost[0].version'],
    ]);
  });
});
