/**
 * DECISION_LOG* settings (the README's Settings table). A mask that cannot apply, a sink
 * without its destination or a URL with credentials stops start-up: a decision log that
 * silently logs what the operator meant to mask, or nothing, fails open.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { readHttpUrl, SettingsError } from '../settings/index.js';
import { MaskSyntaxError, parseMasks, type MaskRule } from './mask.js';

export type DecisionLogSink = 'off' | 'console' | 'file' | 'http';

export interface DecisionLogSettings {
  sink: DecisionLogSink;
  /** DECISION_LOG_FILE (sink `file`). */
  file: string | undefined;
  /** DECISION_LOG_URL (sink `http`): the full URL events are POSTed to, OPA's `<service>/logs`. */
  url: URL | undefined;
  /** DECISION_LOG_TOKEN: bearer token for the service. */
  token: string | undefined;
  masks: MaskRule[];
  /** Records held while the sink is behind; then dropped and counted. */
  bufferSize: number;
  /** Events per write (per POST). */
  batchSize: number;
  flushMs: number;
  /** An upload without an answer by then fails; also how long shutdown waits to send what is left. */
  timeoutMs: number;
  /** `labels.id`: DECISION_LOG_INSTANCE_ID, or `<hostname>-<pid>`. */
  instanceId: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new SettingsError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new SettingsError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function sinkOf(env: Env): DecisionLogSink {
  const raw = env.DECISION_LOG?.trim().toLowerCase() || 'off';
  if (raw === 'off' || raw === 'console' || raw === 'file' || raw === 'http') return raw;
  throw new SettingsError(`DECISION_LOG must be off, console, file or http, got "${raw}"`);
}

function urlOf(env: Env, sink: DecisionLogSink): URL | undefined {
  const raw = env.DECISION_LOG_URL?.trim();
  if (sink !== 'http') return undefined;
  if (!raw) throw new SettingsError('DECISION_LOG_URL is required with DECISION_LOG=http: where event batches are POSTed (e.g. https://collector.internal/logs)');
  const url = readHttpUrl('DECISION_LOG_URL', raw, 'DECISION_LOG_TOKEN sends a bearer token');
  if (url.hash) throw new SettingsError('DECISION_LOG_URL must not have a fragment');
  return url;
}

/**
 * Reads the DECISION_LOG* variables; a relative DECISION_LOG_FILE is resolved against `cwd`.
 *
 * @example const log = decisionLogSettings({ DECISION_LOG: 'http', DECISION_LOG_URL: 'http://127.0.0.1:8181/logs' });
 */
export function decisionLogSettings(env: Env, cwd: string = process.cwd()): DecisionLogSettings {
  const sink = sinkOf(env);
  const named = env.DECISION_LOG_FILE?.trim() || undefined;
  const file = named === undefined ? undefined : path.resolve(cwd, named);
  if (sink === 'file' && !file) throw new SettingsError('DECISION_LOG_FILE is required with DECISION_LOG=file');
  const token = env.DECISION_LOG_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < 16) throw new SettingsError('DECISION_LOG_TOKEN must be at least 16 characters');
  let masks: MaskRule[];
  try {
    masks = parseMasks(env.DECISION_LOG_MASK ?? '');
  } catch (error) {
    if (error instanceof MaskSyntaxError) throw new SettingsError(`DECISION_LOG_MASK: ${error.message}`);
    throw error;
  }
  const instanceId = env.DECISION_LOG_INSTANCE_ID?.trim() || `${hostname()}-${process.pid}`;
  if (!/^[\x21-\x7e]{1,128}$/.test(instanceId)) throw new SettingsError('DECISION_LOG_INSTANCE_ID must be 1 to 128 visible ASCII characters');
  return {
    sink,
    file,
    url: urlOf(env, sink),
    token,
    masks,
    bufferSize: int(env, 'DECISION_LOG_BUFFER', 10_000, 1, 10_000_000),
    batchSize: int(env, 'DECISION_LOG_BATCH', 500, 1, 100_000),
    flushMs: int(env, 'DECISION_LOG_FLUSH_MS', 1000, 10, 600_000),
    timeoutMs: int(env, 'DECISION_LOG_TIMEOUT_MS', 5000, 10, 600_000),
    instanceId,
  };
}
