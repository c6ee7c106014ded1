export { SESSION_KEY, devSignIn, fetchSession, signOut, type Session } from './session-api.js';
export { useSession } from './use-session.js';
