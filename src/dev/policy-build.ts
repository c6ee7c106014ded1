import { spawn } from 'node:child_process';

let running = false;
let again = false;

/**
 * `make -s policy` after an edit under policy/: one run at a time, and one more if files changed
 * while it ran. The BFF reloads build/policy.wasm when it changes; a policy that does not build
 * leaves the old module serving (opa's errors are printed).
 */
export function runPolicyBuild(repoRoot: string, log: (line: string) => void): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  const child = spawn('make', ['-s', 'policy'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code) => {
    running = false;
    log(code === 0 ? 'policy rebuilt (build/policy.wasm)' : `make policy failed (${code}); the BFF keeps the last good policy`);
    if (again) {
      again = false;
      runPolicyBuild(repoRoot, log);
    }
  });
}
