/**
 * Server settings from environment variables. Every variable has a documented default (the
 * README's Settings table); a missing or invalid required one stops start-up with a
 * SettingsError naming the variable. The ones `experience-plugins` reads too (files, mode, mount,
 * host version) are defined once in src/settings; the rest are the BFF's own.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Mode } from '../config/types.js';
import type { LogFormat } from './logger.js';
import { decisionLogSettings, type DecisionLogSettings } from '../decision-log/settings.js';
import { readHttpUrl, readSetting, SettingsError, SHARED_SETTINGS } from '../settings/index.js';
import { readPolicyBundleSettings, type PolicyBundleSettings } from './policy-bundle-settings.js';

export { SettingsError };
export type { PolicyBundleSettings };

export interface RateLimitSettings {
  requestsPerSecond: number;
  burst: number;
}

export interface ServerSettings {
  mode: Mode;
  port: number;
  /**
   * Bind address; undefined lets Node listen on every interface (production's default).
   * Development, and any mode with DEV_LOGIN on, default to 127.0.0.1.
   */
  host: string | undefined;
  /** The operators' metrics listener (GET /metrics); undefined when METRICS_PORT=off. 0 picks a free port. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** When set, the metrics listener requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  pluginsConfig: string;
  grantsConfig: string;
  /** identity.yaml: the OpenID Connect provider of each tenant. */
  identityConfig: string;
  policyWasm: string;
  /** An OPA bundle read instead of policyWasm (POLICY_BUNDLE or POLICY_BUNDLE_URL), and its keys. */
  policyBundle: PolicyBundleSettings | undefined;
  /** The three files as the operator named them (the setting, or its default, unresolved): how messages name them. */
  shownFiles: { pluginsConfig: string; grantsConfig: string; identityConfig: string; policyWasm: string };
  pluginsRoot: string;
  /** The absolute folder `bundle.file` paths in plugins.yaml are written under (the container mount). */
  pluginsMount: string;
  webRoot: string;
  upstreamUrl: URL;
  upstreamTimeoutMs: number;
  hostVersion: string;
  sessionKeys: string[];
  /** True when SESSION_KEYS was not set and keys were generated for this process (dev/test only). */
  sessionKeysGenerated: boolean;
  /** The session cookie's name (`__Host-` + SESSION_COOKIE in production). */
  sessionCookie: string;
  /** The short-lived sealed cookie of a sign-in in progress (state, nonce, PKCE verifier). */
  loginCookie: string;
  /** Absolute session lifetime. */
  sessionMaxAgeSeconds: number;
  /** A session with no request for this long ends. */
  sessionIdleSeconds: number;
  /** Sessions the in-memory store keeps at most. */
  sessionStoreMax: number;
  secureCookies: boolean;
  devLogin: boolean;
  trustProxy: boolean;
  publishToken: string | undefined;
  /** Shared state for several replicas (sessions, rate limits, events); unset: in this process. */
  redisUrl: string | undefined;
  /** Start even when Redis cannot be reached (sessions 503 until it can); otherwise start-up fails. */
  redisStartDegraded: boolean;
  /** Bounds every Redis call; a Redis slower than this counts as down. */
  redisTimeoutMs: number;
  /** How long start-up waits for Redis. */
  redisConnectTimeoutMs: number;
  /** How many replicas share the rate limits: while Redis is down each allows 1/replicas of a limit. */
  replicas: number;
  rateLimit: RateLimitSettings;
  sseHeartbeatMs: number;
  sseMaxStreams: number;
  sseReplayBuffer: number;
  proxyMaxBodyBytes: number;
  watch: boolean;
  reloadDebounceMs: number;
  /** A reload whose build process (reading, parsing, compiling) takes longer fails; the last good state serves. */
  reloadTimeoutMs: number;
  logLevel: string;
  /** LOG_FORMAT; unset: pretty in development when stdout is a terminal, else json. */
  logFormat: LogFormat;
  shutdownTimeoutMs: number;
  /** DECISION_LOG*: where decision-log events go (off by default), masks, buffer and batches. */
  decisionLog: DecisionLogSettings;
  /** Where identity.yaml's `{ env: NAME }` secret references are read (the environment given). Never logged. */
  env: Readonly<Record<string, string | undefined>>;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS: readonly string[] = ['json', 'pretty'] satisfies readonly LogFormat[];

/** Explicit, or pretty only for a person: development with stdout a terminal (production stays json unless asked). */
function logFormat(env: Env, dev: boolean, terminal: boolean): LogFormat {
  const raw = env.LOG_FORMAT?.trim();
  if (!raw) return dev && terminal ? 'pretty' : 'json';
  if (!LOG_FORMATS.includes(raw)) throw new SettingsError(`LOG_FORMAT must be json or pretty, got "${raw}"`);
  return raw as LogFormat;
}

function str(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new SettingsError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new SettingsError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new SettingsError(`${name} must be true or false, got "${raw}"`);
}

/** METRICS_PORT: a port (0 = any free one), or `off` for no metrics listener. */
function metricsPort(env: Env, port: number): number | undefined {
  if (env.METRICS_PORT?.trim().toLowerCase() === 'off') return undefined;
  const value = int(env, 'METRICS_PORT', 9464, 0, 65535);
  if (value !== 0 && value === port) throw new SettingsError(`METRICS_PORT must differ from PORT (${port}): metrics have their own listener, or set METRICS_PORT=off`);
  return value;
}

function upstream(env: Env): URL {
  const raw = env.UPSTREAM_URL?.trim();
  if (!raw) throw new SettingsError('UPSTREAM_URL is required: where allowed plugin API calls are proxied (e.g. http://orders.internal:8080)');
  const url = readHttpUrl('UPSTREAM_URL', raw);
  // The forwarded path is exactly the path the policy judged, so the upstream URL is an origin only.
  if (url.pathname !== '/' || url.search || url.hash) throw new SettingsError('UPSTREAM_URL must be an origin only (no path, query or fragment)');
  return url;
}

function sessionKeys(env: Env, current: Mode): { keys: string[]; generated: boolean } {
  const raw = env.SESSION_KEYS?.trim();
  if (!raw) {
    if (current === 'production') throw new SettingsError('SESSION_KEYS is required in production: comma-separated secrets of at least 32 characters');
    return { keys: [randomBytes(32).toString('base64url')], generated: true };
  }
  const keys = raw.split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0 || keys.some((k) => k.length < 32)) throw new SettingsError('SESSION_KEYS: every key must be at least 32 characters');
  return { keys, generated: false };
}

/**
 * Reads the settings from `env`, resolving relative paths against `cwd` (the repository root
 * by default). `terminal`: whether stdout is a terminal, which LOG_FORMAT's default depends on.
 *
 * @example
 * const settings = loadSettings({ ...process.env, UPSTREAM_URL: 'http://127.0.0.1:9000' });
 */
export function loadSettings(env: Env = process.env, cwd: string = process.cwd(), terminal: boolean = process.stdout.isTTY === true): ServerSettings {
  const shared = { env, cwd };
  const current = readSetting(SHARED_SETTINGS.mode, shared);
  const dev = current === 'development';
  const keys = sessionKeys(env, current);
  const devLogin = bool(env, 'DEV_LOGIN', dev);
  if (devLogin && current === 'production') throw new SettingsError('DEV_LOGIN cannot be enabled when NODE_ENV=production');
  const publishToken = env.PUBLISH_TOKEN?.trim() || undefined;
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) throw new SettingsError('REDIS_URL must be a redis:// or rediss:// URL');
  // Generated keys differ per process: no replica could open another's sealed tokens or sign-ins.
  if (redisUrl !== undefined && keys.generated) throw new SettingsError('REDIS_URL needs SESSION_KEYS: the replicas that share Redis must share the keys too');
  if (publishToken !== undefined && publishToken.length < 16) throw new SettingsError('PUBLISH_TOKEN must be at least 16 characters');
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new SettingsError('METRICS_TOKEN must be at least 16 characters');
  const port = int(env, 'PORT', 8080, 0, 65535);
  const files = {
    pluginsConfig: readSetting(SHARED_SETTINGS.pluginsConfig, shared),
    grantsConfig: readSetting(SHARED_SETTINGS.grantsConfig, shared),
    policyWasm: readSetting(SHARED_SETTINGS.policyWasm, shared),
  };
  // Server-only for now: the CLI does not read identity.yaml yet.
  const identityNamed = str(env, 'IDENTITY_CONFIG', 'config/identity.yaml');
  const level = str(env, 'LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(level)) throw new SettingsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const mount = readSetting(SHARED_SETTINGS.pluginsMount, shared);
  const cookie = str(env, 'SESSION_COOKIE', 'exp_session');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cookie)) throw new SettingsError('SESSION_COOKIE must be a plain cookie name');
  // __Host-: the browser keeps the cookie only when Secure, Path=/ and without Domain, so no
  // sibling host (another tenant) and no plain-http page can plant or shadow it.
  const cookiePrefix = current === 'production' ? '__Host-' : '';

  return {
    mode: current,
    port,
    // The development login lets anyone sign in with any roles: loopback unless HOST says otherwise.
    host: env.HOST?.trim() || (dev || devLogin ? '127.0.0.1' : undefined),
    metricsPort: metricsPort(env, port),
    metricsHost: str(env, 'METRICS_HOST', '127.0.0.1'),
    metricsToken,
    pluginsConfig: files.pluginsConfig.path,
    grantsConfig: files.grantsConfig.path,
    identityConfig: path.resolve(cwd, identityNamed),
    policyWasm: files.policyWasm.path,
    policyBundle: readPolicyBundleSettings(env, cwd, current),
    shownFiles: {
      pluginsConfig: files.pluginsConfig.named,
      grantsConfig: files.grantsConfig.named,
      identityConfig: identityNamed,
      policyWasm: files.policyWasm.named,
    },
    pluginsRoot: readSetting(SHARED_SETTINGS.pluginsRoot, shared).path,
    pluginsMount: mount,
    webRoot: path.resolve(cwd, str(env, 'WEB_ROOT', 'build/web')),
    upstreamUrl: upstream(env),
    upstreamTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    hostVersion: readSetting(SHARED_SETTINGS.hostVersion, shared),
    sessionKeys: keys.keys,
    sessionKeysGenerated: keys.generated,
    sessionCookie: `${cookiePrefix}${cookie}`,
    loginCookie: `${cookiePrefix}${cookie}_login`,
    sessionMaxAgeSeconds: int(env, 'SESSION_MAX_AGE_S', 8 * 3600, 60, 30 * 24 * 3600),
    sessionIdleSeconds: int(env, 'SESSION_IDLE_S', 3600, 60, 30 * 24 * 3600),
    sessionStoreMax: int(env, 'SESSION_STORE_MAX', 100_000, 100, 10_000_000),
    // Secure outside development: production sits behind TLS even when TLS ends at a proxy.
    secureCookies: !dev,
    devLogin,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    publishToken,
    redisUrl,
    redisStartDegraded: bool(env, 'REDIS_START_DEGRADED', false),
    redisTimeoutMs: int(env, 'REDIS_TIMEOUT_MS', 500, 10, 60_000),
    redisConnectTimeoutMs: int(env, 'REDIS_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    replicas: int(env, 'REPLICAS', 1, 1, 1000),
    rateLimit: {
      requestsPerSecond: int(env, 'RATE_LIMIT_RPS', 50, 1, 1_000_000),
      burst: int(env, 'RATE_LIMIT_BURST', 100, 0, 1_000_000),
    },
    sseHeartbeatMs: int(env, 'SSE_HEARTBEAT_MS', 15_000, 10, 3_600_000),
    sseMaxStreams: int(env, 'SSE_MAX_STREAMS', 5, 1, 1000),
    sseReplayBuffer: int(env, 'SSE_REPLAY_BUFFER', 100, 0, 100_000),
    proxyMaxBodyBytes: int(env, 'PROXY_MAX_BODY_BYTES', 1024 * 1024, 0, 100 * 1024 * 1024),
    watch: bool(env, 'CONFIG_WATCH', true),
    reloadDebounceMs: int(env, 'RELOAD_DEBOUNCE_MS', 250, 0, 60_000),
    reloadTimeoutMs: int(env, 'RELOAD_TIMEOUT_MS', 300_000, 1_000, 3_600_000),
    logLevel: level,
    logFormat: logFormat(env, dev, terminal),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    decisionLog: decisionLogSettings(env, cwd),
    env,
  };
}
