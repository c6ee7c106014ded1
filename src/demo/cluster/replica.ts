/**
 * One BFF replica as a deployment runs it: `node dist/server/main.js` in its own process, its
 * JSON log lines passed on (tagged with the replica's name), SIGTERM for a graceful stop.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface Replica {
  readonly name: string;
  /** Kills it at once (SIGKILL), e.g. when the launcher itself exits. */
  kill(): void;
  readonly pid: number;
  readonly port: number;
  readonly metricsPort: number | undefined;
  /** Its exit code (null: a signal ended it). */
  readonly exited: Promise<number | null>;
  /** What it wrote to stderr (the last 64 KiB): why it failed, when it did. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startReplica(options: { name: string; main: string; env: Record<string, string | undefined>; log: (line: string) => void }): Promise<Replica> {
  // Its own process group: a terminal's Ctrl-C reaches the launcher only, which stops each replica once.
  const child = spawn(process.execPath, [path.resolve(options.main)], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let partial = '';
  let stderr = '';
  let listening: ((line: { port: number; metrics: { port: number } | 'off' }) => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        options.log(line);
        continue;
      }
      options.log(JSON.stringify({ replica: options.name, ...parsed }));
      if (parsed.msg === 'BFF listening') listening?.(parsed as { port: number; metrics: { port: number } | 'off' });
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-65_536)));
  const line = await new Promise<{ port: number; metrics: { port: number } | 'off' }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not listen within 30 s:\n${stderr}`));
    }, 30_000);
    listening = (l) => {
      clearTimeout(timer);
      resolve(l);
    };
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) while starting:\n${stderr}`));
    });
  });
  return {
    name: options.name,
    pid: child.pid as number,
    port: line.port,
    metricsPort: line.metrics === 'off' ? undefined : line.metrics.port,
    exited,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
