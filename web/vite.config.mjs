// Vite runs from .tools (where npm installs it, out of `go test ./...`'s way), so this
// config imports nothing from npm and points bare imports at .tools/node_modules.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const web = dirname(fileURLToPath(import.meta.url));
const modules = resolve(web, '../.tools/node_modules');

export default {
  root: web,
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^preact(\/.*)?$/, replacement: `${modules}/preact$1` },
      { find: /^uplot(\/.*)?$/, replacement: `${modules}/uplot$1` },
    ],
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(web, 'dist'),
    emptyOutDir: true,
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
};
