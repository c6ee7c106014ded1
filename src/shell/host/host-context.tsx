import { createContext, useContext, type ReactNode } from 'react';
import type { Host } from './create-host.js';

// Module-private to the shell bundle: plugin bundles cannot import it, so they cannot reach the host.
const HostContext = createContext<Host | null>(null);

export function HostProvider({ host, children }: { host: Host; children: ReactNode }) {
  return <HostContext.Provider value={host}>{children}</HostContext.Provider>;
}

export function useHost(): Host {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost outside HostProvider');
  return host;
}
