export function buildShared(target: { cwd: string; webDir: string }): Promise<string[]>;
