import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The hub serves the build at /kiosk/ (src/api/ui-routes.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/kiosk/',
  plugins: [vue()],
  build: { outDir: fileURLToPath(new URL('../dist/ui/kiosk', import.meta.url)), emptyOutDir: true, target: 'es2020', reportCompressedSize: false },
  server: { fs: { allow: ['..'] }, proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
});
