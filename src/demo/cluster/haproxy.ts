/**
 * HAProxy (Debian's /usr/sbin/haproxy; `make servers` installs it) on config/haproxy/haproxy.cfg,
 * in the foreground, its addresses given through the environment the file reads.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';

export interface RunningHaproxy {
  readonly port: number;
  /** The last 256 KiB it printed (its log goes to stdout). */
  output(): string;
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

const KEEP = 256 * 1024;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts HAProxy on `config` listening on 127.0.0.1:`port` with `env` (EXPERIENCE_BFF1, ...);
 * resolves once the port accepts connections.
 */
export async function startHaproxy(options: {
  config: string;
  port: number;
  env: Record<string, string>;
  /** Each chunk it prints, as it prints it. */
  onOutput?: (text: string) => void;
  /** Its own process group (the caller stops it; a terminal's Ctrl-C does not reach it). */
  detached?: boolean;
}): Promise<RunningHaproxy> {
  let output = '';
  const child = spawn(HAPROXY, ['-f', path.resolve(options.config), '-db'], {
    env: { ...process.env, EXPERIENCE_LB_BIND: `127.0.0.1:${options.port}`, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const take = (d: Buffer) => {
    const text = d.toString();
    output = (output + text).slice(-KEEP);
    options.onOutput?.(text);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let failure: Error | undefined;
  child.once('error', (error) => (failure = new Error(`cannot start ${HAPROXY} (run \`make servers\`): ${error.message}`)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (failure) throw failure;
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}) while starting:\n${output}`);
    if (await accepts(options.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not listen on ${options.port} within 10 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port: options.port, output: () => output, exited, stop };
}
