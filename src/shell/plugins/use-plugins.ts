import { useQuery } from '@tanstack/react-query';
import { DiscoveryError, type LoadResult } from '../../loader/index.js';
import { useHost } from '../host/index.js';
import { SESSION_KEY, type Session } from '../session/index.js';

/**
 * Discovery for the signed-in user. Re-runs every minute and when the window regains focus (if
 * older than 30 s): the loader revalidates with the ETag, so an unchanged manifest costs a 304
 * and returns the same result object (nothing re-renders); a changed one is picked up.
 */
export function usePlugins(session: Session) {
  const host = useHost();
  const scope = `${session.user}@${session.tenant}`;
  return useQuery<LoadResult, Error>({
    queryKey: ['host', 'plugins', scope],
    queryFn: async () => {
      try {
        return await host.loader.load(scope);
      } catch (e) {
        if (e instanceof DiscoveryError && e.status === 401) void host.queryClient.invalidateQueries({ queryKey: SESSION_KEY });
        throw e;
      }
    },
    staleTime: 30_000,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
    structuralSharing: false,
  }, host.queryClient);
}
