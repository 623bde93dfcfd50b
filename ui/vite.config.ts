/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  plugins: [svelte()],
  // Relative base: the same dist/ works at the root of `qalam serve`, under
  // Tauri's asset protocol, and from any sub-path.
  base: './',
  define: {
    __UI_VERSION__: JSON.stringify(pkg.version),
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old laptops and phones on the centre's LAN: stay conservative.
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` against a running `qalam serve --listen 127.0.0.1:8080`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/content': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.test.ts'],
  },
});
