import { readFile, writeFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES } from './codes.js';
import { GRANTS_SCHEMA } from './schema/grants-schema.js';
import { IDENTITY_SCHEMA } from './schema/identity-schema.js';
import { PLUGINS_SCHEMA } from './schema/plugins-schema.js';

// The TS objects are the source of truth; the JSON files are what editors read.
// After changing a schema, regenerate the files with: UPDATE_SCHEMAS=1 npx vitest run src/config/schema-files.test.ts
const FILES = [
  ['config/plugins.schema.json', PLUGINS_SCHEMA],
  ['config/grants.schema.json', GRANTS_SCHEMA],
  ['config/identity.schema.json', IDENTITY_SCHEMA],
] as const;

describe('config/*.schema.json', () => {
  it.each(FILES)('%s is the schema the loader uses', async (name, schema) => {
    const url = new URL(`../../${name}`, import.meta.url);
    const expected = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env['UPDATE_SCHEMAS'] === '1') await writeFile(url, expected);
    expect(await readFile(url, 'utf8')).toBe(expected);
  });

  it.each(FILES)('%s is a valid draft 2020-12 schema under ajv strict mode', (_name, schema) => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});

describe('ISSUE_CODES', () => {
  it('lists snake_case codes with a description each', () => {
    for (const [code, description] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });
});
