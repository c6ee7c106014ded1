// The modules the host and every plugin share, by one same-origin URL each. A plugin bundle
// keeps `import ... from "/shared/react.js"` as is, so the browser hands host and plugins the
// same module instance: one React, no import map (an inline script), no other origin.
// The URLs sit outside /assets/ on purpose: they are stable names (plugins are built against
// them), so the BFF serves them with `no-cache` + ETag rather than as immutable hashed assets.
import { createRequire } from 'node:module';

export const SHARED_BASE = '/shared/';

/** specifier -> file name under /shared/ */
export const SHARED_MODULES = Object.freeze({
  react: 'react.js',
  'react/jsx-runtime': 'jsx-runtime.js',
  'react-dom': 'react-dom.js',
  'react-dom/client': 'react-dom-client.js',
});

export const sharedUrl = (specifier) => SHARED_BASE + SHARED_MODULES[specifier];

/**
 * An esbuild plugin that turns every import of a shared module into an external import of its
 * same-origin URL. Anything React-shaped that is not shared (react/jsx-dev-runtime, react-dom/server)
 * is an error: bundling it would give the plugin a second React.
 */
export function sharedExternals() {
  return {
    name: 'shared-externals',
    setup(build) {
      build.onResolve({ filter: /^(react|react-dom)(\/.*)?$/ }, (args) => {
        if (Object.hasOwn(SHARED_MODULES, args.path)) return { path: sharedUrl(args.path), external: true };
        return { errors: [{ text: `"${args.path}" is not a shared module; use one of ${Object.keys(SHARED_MODULES).join(', ')}` }] };
      });
    },
  };
}

/**
 * Source for the ES module that re-exports one CommonJS React entry: a default export plus every
 * named export, listed explicitly (ESM needs static names; React ships CommonJS).
 */
export function sharedEntrySource(specifier, cwd) {
  const require = createRequire(`${cwd}/package.json`);
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  let names;
  try {
    names = Object.keys(require(specifier)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default').sort();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  return `import m from ${JSON.stringify(specifier)};\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`;
}
