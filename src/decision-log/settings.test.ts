import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../settings/index.js';
import { decisionLogSettings } from './settings.js';

describe('decisionLogSettings', () => {
  it('is off by default, with the documented defaults', () => {
    expect(decisionLogSettings({})).toEqual({
      sink: 'off',
      file: undefined,
      url: undefined,
      token: undefined,
      masks: [],
      bufferSize: 10_000,
      batchSize: 500,
      flushMs: 1000,
      timeoutMs: 5000,
      instanceId: `${hostname()}-${process.pid}`,
    });
  });

  it('reads every setting', () => {
    const settings = decisionLogSettings({
      DECISION_LOG: 'HTTP',
      DECISION_LOG_URL: 'https://collector.example/v1/logs',
      DECISION_LOG_TOKEN: 'sixteen-chars-ok',
      DECISION_LOG_MASK: '/input/user/id,/input/subject/id=**REDACTED**',
      DECISION_LOG_BUFFER: '5',
      DECISION_LOG_BATCH: '2',
      DECISION_LOG_FLUSH_MS: '50',
      DECISION_LOG_TIMEOUT_MS: '700',
      DECISION_LOG_INSTANCE_ID: 'bff-a',
    });
    expect(settings).toMatchObject({ sink: 'http', token: 'sixteen-chars-ok', bufferSize: 5, batchSize: 2, flushMs: 50, timeoutMs: 700, instanceId: 'bff-a' });
    expect(settings.url?.href).toBe('https://collector.example/v1/logs');
    expect(settings.masks.map((m) => [m.pointer, m.op])).toEqual([['/input/user/id', 'remove'], ['/input/subject/id', 'upsert']]);
    expect(decisionLogSettings({ DECISION_LOG: 'file', DECISION_LOG_FILE: '/var/log/d.jsonl' }).file).toBe('/var/log/d.jsonl');
    expect(decisionLogSettings({ DECISION_LOG: 'file', DECISION_LOG_FILE: 'logs/d.jsonl' }, '/srv/app').file).toBe('/srv/app/logs/d.jsonl');
  });

  it.each([
    [{ DECISION_LOG: 'syslog' }, 'DECISION_LOG must be off, console, file or http'],
    [{ DECISION_LOG: 'file' }, 'DECISION_LOG_FILE is required'],
    [{ DECISION_LOG: 'http' }, 'DECISION_LOG_URL is required'],
    [{ DECISION_LOG: 'http', DECISION_LOG_URL: 'not a url' }, 'DECISION_LOG_URL is not a URL'],
    [{ DECISION_LOG: 'http', DECISION_LOG_URL: 'ftp://x/logs' }, 'must be http:// or https://'],
    [{ DECISION_LOG: 'http', DECISION_LOG_URL: 'https://user:pw@x/logs' }, 'must not carry credentials'],
    [{ DECISION_LOG: 'http', DECISION_LOG_URL: 'https://x/logs#a' }, 'must not have a fragment'],
    [{ DECISION_LOG_TOKEN: 'short' }, 'DECISION_LOG_TOKEN must be at least 16 characters'],
    [{ DECISION_LOG_MASK: '/input/usr' }, 'DECISION_LOG_MASK: "/input/usr": no decision input has the field "usr"'],
    [{ DECISION_LOG_MASK: 'input/user' }, 'DECISION_LOG_MASK: "input/user" is not a JSON pointer'],
    [{ DECISION_LOG_BUFFER: '0' }, 'DECISION_LOG_BUFFER must be between 1 and'],
    [{ DECISION_LOG_BATCH: 'ten' }, 'DECISION_LOG_BATCH must be a whole number'],
    [{ DECISION_LOG_FLUSH_MS: '1' }, 'DECISION_LOG_FLUSH_MS must be between 10 and'],
    [{ DECISION_LOG_INSTANCE_ID: 'has space' }, 'DECISION_LOG_INSTANCE_ID must be 1 to 128 visible ASCII characters'],
  ])('refuses %j', (env, message) => {
    expect(() => decisionLogSettings(env)).toThrow(SettingsError);
    expect(() => decisionLogSettings(env)).toThrow(message);
  });
});
