import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useHost } from '../host/index.js';
import { SESSION_KEY, devSignIn, providerLoginUrl, useSession, useSignInOptions } from '../session/index.js';

const ROLES = ['member', 'dashboard-user'];
const PRESETS = [
  { user: 'alice', roles: ['member', 'dashboard-user'] },
  { user: 'bob', roles: ['member'] },
];

/**
 * Sign-in: "Sign in with <provider>" when the tenant has an OpenID Connect provider (the BFF
 * runs the code flow and comes back to the page the user was on); the development form only
 * when the BFF offers the development login (never in production).
 */
export function SignInPage() {
  const host = useHost();
  const session = useSession();
  const options = useSignInOptions();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [user, setUser] = useState('alice');
  const [roles, setRoles] = useState<string[]>(['member', 'dashboard-user']);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.data) return <Navigate to={from} replace />;

  async function signIn(who: string, as: string[]) {
    setBusy(true);
    setError(null);
    try {
      await devSignIn(fetch, who, as);
      await host.queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      navigate(from, { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(user.trim(), roles);
  };
  const toggle = (role: string) => setRoles((r) => (r.includes(role) ? r.filter((x) => x !== role) : [...r, role]));

  const loginUrl = options.data ? providerLoginUrl(options.data, from) : undefined;
  const devLogin = options.data?.devLogin === true;

  return (
    <main className="signin">
      <div className="signin__card">
        <h1 className="signin__title">Experience</h1>
        {options.data && <p className="x-muted" data-testid="signin-tenant">Signing in to {options.data.tenant}</p>}
        {options.isError && <p className="x-alert x-alert--error" role="alert">Sign-in is unavailable right now: {options.error.message}</p>}
        {options.data && options.data.provider && loginUrl && (
          <a className="x-btn x-btn--primary" href={loginUrl} data-testid="signin-provider">Sign in with {options.data.provider.name}</a>
        )}
        {options.data && !options.data.provider && !devLogin && (
          <p className="x-alert x-alert--error" role="alert">No sign-in is configured for this site.</p>
        )}
        {devLogin && (
          <form className="signin__dev" onSubmit={submit} aria-label="Development sign-in">
            <p className="x-muted">Development sign-in: pick who you are. Nothing here is checked but the roles you choose.</p>
            <div className="signin__presets">
              {PRESETS.map((p) => (
                <button key={p.user} type="button" className="x-btn" disabled={busy} data-testid={`signin-${p.user}`} onClick={() => void signIn(p.user, p.roles)}>
                  {p.user} <span className="x-muted">({p.roles.join(', ')})</span>
                </button>
              ))}
            </div>
            <label className="signin__field">
              User
              <input className="x-input" name="user" value={user} onChange={(e) => setUser(e.target.value)} required pattern="[A-Za-z0-9._@-]+" />
            </label>
            <fieldset className="signin__roles">
              <legend>Roles</legend>
              {ROLES.map((role) => (
                <label key={role}>
                  <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} /> {role}
                </label>
              ))}
            </fieldset>
            <button type="submit" className="x-btn x-btn--primary" disabled={busy || user.trim() === ''}>Sign in</button>
            {error && <p className="x-alert x-alert--error" role="alert">{error}</p>}
          </form>
        )}
      </div>
    </main>
  );
}
