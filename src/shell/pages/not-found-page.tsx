import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { isReservedPath } from '../../loader/index.js';
import { Pending } from '../layout/index.js';

/**
 * No shell or plugin route matched. A path the BFF owns (`/api/`, `/auth/`, ...) is handed to
 * it with a full navigation: the SPA's routing never answers for those prefixes.
 */
export function NotFoundPage({ loading }: { loading: boolean }) {
  const location = useLocation();
  const reserved = isReservedPath(location.pathname);
  useEffect(() => {
    if (reserved) window.location.replace(location.pathname + location.search);
  }, [reserved, location.pathname, location.search]);
  // While the plugins load, this path may yet turn out to be a plugin's page.
  if (reserved || loading) return <Pending label="Loading the page…" />;
  return (
    <div className="page" data-testid="not-found">
      <h1>Not found</h1>
      <p className="x-muted">No page at {location.pathname}, or you may not see it.</p>
      <Link to="/">Back to the dashboard</Link>
    </div>
  );
}
