import satisfies from 'semver/functions/satisfies.js';

/** True when the host version satisfies the plugin's `engine.experience` range (a bad range does not). */
export function isCompatible(hostVersion: string, range: string): boolean {
  try {
    return satisfies(hostVersion, range);
  } catch {
    return false;
  }
}
