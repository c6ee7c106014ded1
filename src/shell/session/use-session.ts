import { useQuery } from '@tanstack/react-query';
import { useHost } from '../host/index.js';
import { SESSION_KEY, fetchSession, type Session } from './session-api.js';

export function useSession() {
  const host = useHost();
  return useQuery<Session | null>({ queryKey: SESSION_KEY, queryFn: () => fetchSession(fetch), staleTime: Infinity }, host.queryClient);
}
