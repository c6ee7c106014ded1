import { useQuery } from '@tanstack/react-query';
import { useHost } from '../host/index.js';
import { SESSION_KEY, SIGN_IN_OPTIONS_KEY, fetchSession, fetchSignInOptions, type Session, type SignInOptions } from './session-api.js';

export function useSession() {
  const host = useHost();
  return useQuery<Session | null>({ queryKey: SESSION_KEY, queryFn: () => fetchSession(fetch), staleTime: Infinity }, host.queryClient);
}

export function useSignInOptions() {
  const host = useHost();
  return useQuery<SignInOptions>({ queryKey: SIGN_IN_OPTIONS_KEY, queryFn: () => fetchSignInOptions(fetch), staleTime: Infinity }, host.queryClient);
}
