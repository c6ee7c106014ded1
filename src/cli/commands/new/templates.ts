import type { ScaffoldNames } from './names.js';

/**
 * The files of a new plugin, relative to its folder. Each is what a plugin author would write:
 * plugin.json as the build reads it, components that take the SDK as a prop (types only from
 * the host, React from the host's shared modules) and a test that renders them.
 */
export function scaffoldFiles(n: ScaffoldNames): Record<string, string> {
  return {
    'plugin.json': `${JSON.stringify(
      { id: n.id, version: n.version, description: `${n.title}: a page at ${n.route} and a widget in dashboard.main.`, components: [n.page, n.widget] },
      null,
      2,
    )}\n`,
    'src/index.tsx': indexTsx(n),
    'src/index.test.tsx': indexTestTsx(n),
  };
}

function indexTsx(n: ScaffoldNames): string {
  return `// The ${n.id} plugin. Each component receives its own SDK as the \`sdk\` prop, bound to this
// plugin's id; only types come from the host sources (\`import type\`), and React is the host's
// shared module, never bundled. Under \`make dev\` an edit here shows on the next page reload.
import { useState } from 'react';
import type { PluginComponentProps, PluginWidgetProps } from '../../../src/sdk/index.js';

/** The page at ${n.route}: the route's one <h1>. */
export function ${n.page}({ sdk }: PluginComponentProps) {
  const [hellos, setHellos] = useState(0);
  const greet = () => {
    const count = hellos + 1;
    setHellos(count);
    // Batched to POST /api/telemetry; the BFF logs it with this plugin's id, the tenant and the user.
    sdk.telemetry.event('${n.id}.greeted', { count });
  };
  return (
    <section className="x-stack" data-testid="${n.id}-page">
      <h1>${n.title}</h1>
      <p className="x-muted">
        The <span className="x-code">${n.page}</span> component of the <span className="x-code">{sdk.pluginId}</span> plugin.
      </p>
      <div className="x-row">
        <button type="button" className="x-btn x-btn--primary" onClick={greet} data-testid="${n.id}-greet">
          Say hello
        </button>
        <span role="status" data-testid="${n.id}-hellos">
          {hellos === 0 ? 'No hellos yet' : \`\${hellos} \${hellos === 1 ? 'hello' : 'hellos'}\`}
        </span>
      </div>
    </section>
  );
}

/** A widget in dashboard.main: it sits under the shell's <h2> title, so no heading of its own. */
export function ${n.widget}({ sdk, slot }: PluginWidgetProps) {
  return (
    <div className="x-stack" data-testid="${n.id}-widget">
      <span className="x-big">${n.title}</span>
      <span className="x-muted">
        {sdk.pluginId} in <span className="x-code">{slot}</span>
      </span>
    </div>
  );
}
`;
}

function indexTestTsx(n: ScaffoldNames): string {
  return `import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { PluginSdk } from '../../../src/sdk/index.js';
import { ${n.page}, ${n.widget} } from './index.js';

/** The SDK members the components use; touching any other one fails the test. */
function fakeSdk() {
  const telemetry = { event: vi.fn() };
  const used = { pluginId: '${n.id}', telemetry };
  const sdk = new Proxy(used, {
    get(target, key) {
      if (!(key in target)) throw new Error(\`the component used sdk.\${String(key)}: add it to fakeSdk()\`);
      return target[key as keyof typeof target];
    },
  }) as unknown as PluginSdk;
  return { sdk, telemetry };
}

describe('${n.id}', () => {
  it('renders its page: one heading, its own plugin id, no hellos yet and no telemetry', () => {
    const { sdk, telemetry } = fakeSdk();
    const html = renderToStaticMarkup(<${n.page} sdk={sdk} />);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<h1>${n.title}</h1>');
    expect(html).toContain('>${n.id}</span>');
    expect(html).toContain('No hellos yet');
    expect(telemetry.event).not.toHaveBeenCalled();
  });

  it('renders its widget, naming the slot it is in', () => {
    const { sdk } = fakeSdk();
    const html = renderToStaticMarkup(<${n.widget} sdk={sdk} slot="dashboard.main" />);
    expect(html).toContain('data-testid="${n.id}-widget"');
    expect(html).toContain('>dashboard.main</span>');
    expect(html).not.toMatch(/<h[1-6]/);
  });
});
`;
}

/** The plugins.yaml entry, indented to paste under `tenants.<host>:`. */
export function pluginsEntry(n: ScaffoldNames, mount: string): string {
  return `    - id: ${n.id}
      version: "${n.version}"
      engine:
        experience: "${n.engine}"
      bundle:
        file: ${mount}/${n.id}/${n.version}/index.esm.js
        # Production requires a pin: experience-plugins hash --write --add plugins/${n.id}/${n.version}/index.esm.js
      permissions:
        api: []
        sse: []
      contributions:
        routes:
          - path: ${n.route}
            component: ${n.page}
            resource: ${n.pageResource}
            action: view
        widgets:
          - slot: dashboard.main
            component: ${n.widget}
            resource: ${n.widgetResource}
            action: view
`;
}

/** The grants.yaml items, indented to paste into `tenants.<host>.roles`' lists. */
export function grantsEntry(n: ScaffoldNames): string {
  return `      member:
        - { resource: ${n.pageResource}, action: view }
      dashboard-user:
        - { resource: ${n.widgetResource}, action: view }
`;
}
