import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Multi-page: one HTML entry per screen; the hub serves the build at /display/ and /t/<ticketId>.
export default defineConfig({
  root: here('.'),
  base: '/display/',
  plugins: [vue()],
  build: {
    outDir: here('../dist/ui/display'),
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: false,
    // ECharts (540 kB, 180 kB gzipped) is a chunk of its own that only the manager's dashboard loads.
    chunkSizeWarningLimit: 600,
    rollupOptions: { input: { index: here('index.html'), ticket: here('ticket.html'), wall: here('wall.html'), window: here('window.html'), console: here('console.html'), pad: here('pad.html'), quiet: here('quiet.html'), book: here('book.html'), manager: here('manager.html'), ranking: here('ranking.html') } },
  },
  server: { fs: { allow: ['..'] }, proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
});
