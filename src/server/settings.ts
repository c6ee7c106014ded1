/**
 * Server settings from environment variables. Every variable has a documented default
 * (see SETTINGS below, which the README table mirrors); a missing or invalid required one
 * stops start-up with a SettingsError naming the variable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_BUNDLE_MOUNT, defaultHostVersion, isCleanMount } from '../config/index.js';
import type { Mode } from '../config/types.js';
import { InputError } from '../errors/index.js';

export class SettingsError extends InputError {
  constructor(message: string) {
    super('invalid_setting', message);
  }
}

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
  policyWasm: string;
  /** The three files as the operator named them (the setting, or its default, unresolved): how messages name them. */
  shownFiles: { pluginsConfig: string; grantsConfig: string; policyWasm: string };
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
  sessionCookie: string;
  sessionMaxAgeSeconds: number;
  secureCookies: boolean;
  devLogin: boolean;
  trustProxy: boolean;
  publishToken: string | undefined;
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
  shutdownTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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

function mode(env: Env): Mode {
  const raw = str(env, 'NODE_ENV', 'production');
  if (raw === 'development' || raw === 'production' || raw === 'test') return raw;
  throw new SettingsError(`NODE_ENV must be development, production or test, got "${raw}"`);
}

function upstream(env: Env): URL {
  const raw = env.UPSTREAM_URL?.trim();
  if (!raw) throw new SettingsError('UPSTREAM_URL is required: where allowed plugin API calls are proxied (e.g. http://orders.internal:8080)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`UPSTREAM_URL is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsError('UPSTREAM_URL must be http:// or https://');
  if (url.username || url.password) throw new SettingsError('UPSTREAM_URL must not carry credentials');
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

/** The host app's version: EXPERIENCE_VERSION, else this package's version. */
function hostVersion(env: Env): string {
  const raw = env.EXPERIENCE_VERSION?.trim();
  const value = raw || packageVersion();
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new SettingsError(`EXPERIENCE_VERSION must be a semver version, got "${value}"`);
  }
  return value;
}

function packageVersion(): string {
  try {
    return defaultHostVersion();
  } catch {
    throw new SettingsError('cannot read the version from package.json; set EXPERIENCE_VERSION');
  }
}

/**
 * Reads the settings from `env`, resolving relative paths against `cwd` (the repository root
 * by default).
 *
 * @example
 * const settings = loadSettings({ ...process.env, UPSTREAM_URL: 'http://127.0.0.1:9000' });
 */
export function loadSettings(env: Env = process.env, cwd: string = process.cwd()): ServerSettings {
  const current = mode(env);
  const dev = current === 'development';
  const keys = sessionKeys(env, current);
  const devLogin = bool(env, 'DEV_LOGIN', dev);
  if (devLogin && current === 'production') throw new SettingsError('DEV_LOGIN cannot be enabled when NODE_ENV=production');
  const publishToken = env.PUBLISH_TOKEN?.trim() || undefined;
  if (publishToken !== undefined && publishToken.length < 16) throw new SettingsError('PUBLISH_TOKEN must be at least 16 characters');
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new SettingsError('METRICS_TOKEN must be at least 16 characters');
  const port = int(env, 'PORT', 8080, 0, 65535);
  const files = {
    pluginsConfig: str(env, 'PLUGINS_CONFIG', 'config/plugins.yaml'),
    grantsConfig: str(env, 'GRANTS_CONFIG', 'config/grants.yaml'),
    policyWasm: str(env, 'POLICY_WASM', 'build/policy.wasm'),
  };
  const level = str(env, 'LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(level)) throw new SettingsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const mount = str(env, 'PLUGINS_MOUNT', DEFAULT_BUNDLE_MOUNT);
  // The config layer's rule: a mount it would refuse later must stop start-up now, by name.
  if (!isCleanMount(mount)) throw new SettingsError(`PLUGINS_MOUNT must be a clean absolute path other than "/" (no trailing "/", "..", "\\" or "%"), got "${mount}"`);
  const cookie = str(env, 'SESSION_COOKIE', 'exp_session');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cookie)) throw new SettingsError('SESSION_COOKIE must be a plain cookie name');

  return {
    mode: current,
    port,
    // The development login lets anyone sign in with any roles: loopback unless HOST says otherwise.
    host: env.HOST?.trim() || (dev || devLogin ? '127.0.0.1' : undefined),
    metricsPort: metricsPort(env, port),
    metricsHost: str(env, 'METRICS_HOST', '127.0.0.1'),
    metricsToken,
    pluginsConfig: path.resolve(cwd, files.pluginsConfig),
    grantsConfig: path.resolve(cwd, files.grantsConfig),
    policyWasm: path.resolve(cwd, files.policyWasm),
    shownFiles: files,
    pluginsRoot: path.resolve(cwd, str(env, 'PLUGINS_ROOT', 'plugins')),
    pluginsMount: path.resolve(mount),
    webRoot: path.resolve(cwd, str(env, 'WEB_ROOT', 'build/web')),
    upstreamUrl: upstream(env),
    upstreamTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    hostVersion: hostVersion(env),
    sessionKeys: keys.keys,
    sessionKeysGenerated: keys.generated,
    sessionCookie: cookie,
    sessionMaxAgeSeconds: int(env, 'SESSION_MAX_AGE_S', 8 * 3600, 60, 30 * 24 * 3600),
    // Secure outside development: production sits behind TLS even when TLS ends at a proxy.
    secureCookies: !dev,
    devLogin,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    publishToken,
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
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  };
}
