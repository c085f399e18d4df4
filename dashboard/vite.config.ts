import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/**
 * The dashboard app. It imports the package's own entry points, `agent-events/client` and
 * `agent-events/react`, as any application would; the aliases point them at the sources so that
 * the app builds without the library's `dist/` (its contents are the same code).
 * Built into `dist/dashboard/`, which every web node serves at `/`.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      'agent-events/client': here('../src/client/index.ts'),
      'agent-events/react': here('../src/react/index.ts'),
    },
  },
  build: {
    outDir: here('../dist/dashboard'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // The page's Content-Security-Policy forbids inline scripts and data: URLs.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    // `npm run dashboard:dev`: a hot-reloading app against the web node of `npm start`.
    proxy: {
      '/api': 'http://127.0.0.1:3001',
      '/socket.io': { target: 'ws://127.0.0.1:3001', ws: true },
    },
  },
})
