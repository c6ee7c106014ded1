/** What the benches ask of the servers they start: the CPU a process used, and a signed-in cookie. */
import { readFileSync } from 'node:fs';

/** CPU time (user + system, every thread) a process has used so far, in microseconds (Linux /proc; USER_HZ is 100). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}

/**
 * Signs `user` in with the development login of the BFF on `port` and returns the Cookie header.
 * Through `localhost`: fetch cannot set Host, and the bench config's tenant is named after it.
 */
export async function devLogin(port: number, user = 'bench'): Promise<string> {
  const login = await fetch(`http://localhost:${port}/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' },
    body: JSON.stringify({ user, roles: ['member'] }),
  });
  if (login.status !== 204) throw new Error(`dev login answered ${login.status}`);
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}
