import { NavLink } from 'react-router';
import type { RouteRecord } from '../../loader/index.js';
import { routeLabel } from '../plugins/index.js';

/** The dashboard plus every plugin route the user may see (the BFF has already left out what the policy refuses). */
export function Nav({ routes }: { routes: readonly RouteRecord[] }) {
  const cls = ({ isActive }: { isActive: boolean }) => `nav__link${isActive ? ' nav__link--active' : ''}`;
  return (
    <nav className="nav" aria-label="Main" data-testid="nav">
      <NavLink to="/" end className={cls}>Dashboard</NavLink>
      {routes.length > 0 && <div className="nav__section">Plugins</div>}
      {routes.map((r) => (
        <NavLink key={r.path} to={r.path} className={cls} data-testid="nav-plugin" data-plugin={r.pluginId}>
          {routeLabel(r.path)}
          {r.error && (
            <span className="nav__warn" title={r.error.message}>
              <span aria-hidden="true">!</span>
              <span className="visually-hidden"> (could not be loaded)</span>
            </span>
          )}
        </NavLink>
      ))}
    </nav>
  );
}
