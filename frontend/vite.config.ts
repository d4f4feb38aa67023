// Build settings for the PWA: Preact JSX, hashed assets under /assets/, and the service worker.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { serviceWorker } from "./build/sw-plugin.ts";

const template = fileURLToPath(new URL("./build/sw-template.js", import.meta.url));

export default defineConfig({
  plugins: [serviceWorker(template)],
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
  },
  server: {
    // `npm run dev` talks to a local `rapport serve` for the API and the dev mailbox.
    proxy: { "/api": "http://127.0.0.1:8000", "/dev": "http://127.0.0.1:8000" },
  },
});
