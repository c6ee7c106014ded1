export {
  SESSION_KEY, SIGN_IN_OPTIONS_KEY, devSignIn, fetchSession, fetchSignInOptions, providerLoginUrl, signOut,
  type Session, type SignInOptions,
} from './session-api.js';
export { useSession, useSignInOptions } from './use-session.js';
