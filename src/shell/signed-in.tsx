import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useHost } from './host/index.js';
import { Layout, Pending } from './layout/index.js';
import { DashboardPage, NotFoundPage, PluginRoutePage } from './pages/index.js';
import { usePlugins } from './plugins/index.js';
import { signOut, useSession, type Session } from './session/index.js';

/** Everything behind sign-in: the layout, the dashboard and the plugin routes. */
export function SignedIn() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <main className="splash"><Pending label="Loading Experience…" /></main>;
  if (session.isError) {
    return (
      <main className="splash">
        <h1>Experience is unavailable</h1>
        <p className="x-alert x-alert--error" role="alert">{session.error.message}</p>
      </main>
    );
  }
  if (!session.data) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return <Workspace session={session.data} />;
}

function Workspace({ session }: { session: Session }) {
  const host = useHost();
  const navigate = useNavigate();
  const plugins = usePlugins(session);
  const routes = plugins.data?.routes ?? [];
  const loading = plugins.isPending;

  const onSignOut = async () => {
    const providerLogout = await signOut(fetch);
    host.loader.reset();
    host.queryClient.clear();
    // With a provider, its logout page ends the single sign-on session too, then comes back.
    if (providerLogout) window.location.assign(providerLogout);
    else navigate('/signin', { replace: true });
  };

  const banner = plugins.isError ? (
    <p className="x-alert x-alert--error banner" role="alert" data-testid="discovery-error">
      Plugins are unavailable right now: {plugins.error.message}
    </p>
  ) : null;

  return (
    <Layout session={session} routes={routes} banner={banner} onSignOut={() => void onSignOut()}>
      <Routes>
        <Route index element={<DashboardPage session={session} plugins={plugins.data} loading={loading} failed={plugins.isError && !plugins.data} />} />
        {routes.map((r) => (
          <Route key={r.path} path={r.path.slice(1)} element={<PluginRoutePage record={r} />} />
        ))}
        <Route path="*" element={<NotFoundPage loading={loading} />} />
      </Routes>
    </Layout>
  );
}
