import { describe, expect, it } from 'vitest';
import { applyIntegrity } from './integrity-edit.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const TEXT = `# header comment
tenants:
  localhost:
    # the hello plugin
    - id: hello
      version: "1.0.0"
      bundle:
        file: /app/plugins/hello/1.0.0/index.esm.js   # built by CI
        integrity: "${A}"    # pinned
      permissions: { api: [], sse: [] }

    - id: other
      version: '2.0.0'
      bundle: { file: /app/plugins/other/2.0.0/index.esm.js }
    - id: plain
      version: "1.0.0"
      bundle:
        file: /app/plugins/plain/1.0.0/index.esm.js
        integrity: '${A}'
`;

/** Everything but the given values must be byte-for-byte the same. */
function withoutValues(text: string, values: string[]): string {
  return values.reduce((t, v) => t.split(v).join('<V>'), text);
}

describe('applyIntegrity', () => {
  it('changes only the integrity values, keeping quotes, comments and layout', () => {
    const { text, changes } = applyIntegrity(TEXT, [
      { bundlePath: ['tenants', 'localhost', 0, 'bundle'], integrity: B },
      { bundlePath: ['tenants', 'localhost', 2, 'bundle'], integrity: B },
    ], { add: false });
    expect(changes.map((c) => c.action)).toEqual(['updated', 'updated']);
    expect(text).toContain(`integrity: "${B}"    # pinned`);
    expect(text).toContain(`integrity: '${B}'`);
    expect(withoutValues(text, [A, B])).toBe(withoutValues(TEXT, [A, B]));
    expect(text.length).toBe(TEXT.length);
  });

  it('reports unchanged values and leaves the text alone', () => {
    const { text, changes } = applyIntegrity(TEXT, [{ bundlePath: ['tenants', 'localhost', 0, 'bundle'], integrity: A }], { add: false });
    expect(changes[0]).toMatchObject({ action: 'unchanged', old: A, line: 9, col: 20 });
    expect(text).toBe(TEXT);
  });

  it('skips entries without integrity unless adding', () => {
    const edit = { bundlePath: ['tenants', 'localhost', 1, 'bundle'], integrity: B };
    expect(applyIntegrity(TEXT, [edit], { add: false }).changes[0]?.action).toBe('skipped');
    const { text, changes } = applyIntegrity(TEXT, [edit], { add: true });
    expect(changes[0]?.action).toBe('added');
    expect(text).toContain(`bundle: { file: /app/plugins/other/2.0.0/index.esm.js, integrity: "${B}" }`);
    expect(text.replace(`, integrity: "${B}"`, '')).toBe(TEXT);
  });

  it('adds to a block map as a new line at the same indentation, after a trailing comment', () => {
    const text = 'tenants:\n  t:\n    - id: x\n      bundle:\n        file: /app/plugins/x/1.0.0/a.js  # note\n      version: "1.0.0"\n';
    const out = applyIntegrity(text, [{ bundlePath: ['tenants', 't', 0, 'bundle'], integrity: B }], { add: true }).text;
    expect(out).toBe(`tenants:\n  t:\n    - id: x\n      bundle:\n        file: /app/plugins/x/1.0.0/a.js  # note\n        integrity: "${B}"\n      version: "1.0.0"\n`);
  });

  it('keeps CRLF line endings', () => {
    const text = 'tenants:\r\n  t:\r\n    - id: x\r\n      bundle:\r\n        file: /app/plugins/x/1.0.0/a.js\r\n';
    const out = applyIntegrity(text, [{ bundlePath: ['tenants', 't', 0, 'bundle'], integrity: B }], { add: true }).text;
    expect(out).toBe(`${text}        integrity: "${B}"\r\n`);
  });

  it('refuses a file with YAML errors', () => {
    expect(() => applyIntegrity('a: [', [], { add: false })).toThrow(/YAML errors/);
  });
});
