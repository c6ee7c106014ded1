import { describe, expect, it } from 'vitest';
import { SettingsError, loadSettings } from './settings.js';

const base = { UPSTREAM_URL: 'http://127.0.0.1:9000', SESSION_KEYS: 'k'.repeat(32) };

describe('LOG_FORMAT', () => {
  it.each<[string, string | undefined, boolean, 'json' | 'pretty']>([
    // Unset: pretty only for a person at a terminal in development.
    ['development', undefined, true, 'pretty'],
    ['development', undefined, false, 'json'],
    ['development', '  ', true, 'pretty'],
    ['production', undefined, true, 'json'],
    ['test', undefined, true, 'json'],
    // Given: as given, in any mode, terminal or not.
    ['production', 'pretty', false, 'pretty'],
    ['development', 'json', true, 'json'],
    ['test', 'pretty', false, 'pretty'],
  ])('NODE_ENV=%s LOG_FORMAT=%j, terminal %s: %s', (mode, format, terminal, expected) => {
    const env = { ...base, NODE_ENV: mode, ...(format === undefined ? {} : { LOG_FORMAT: format }) };
    expect(loadSettings(env, '/repo', terminal).logFormat).toBe(expected);
  });

  it.each(['PRETTY', 'text', 'pino-pretty'])('refuses LOG_FORMAT=%s by name', (format) => {
    expect(() => loadSettings({ ...base, LOG_FORMAT: format }, '/repo', true)).toThrow(SettingsError);
    expect(() => loadSettings({ ...base, LOG_FORMAT: format }, '/repo', true)).toThrow(`LOG_FORMAT must be json or pretty, got "${format}"`);
  });
});
