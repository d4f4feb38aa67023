// A Vite plugin that writes dist/sw.js after the bundle: the service-worker template with the
// list of built files to precache and a version derived from their content.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Plugin, ResolvedConfig } from "vite";

// Files the worker must not precache: itself, crawler hints, and source maps.
const SKIP = new Set(["sw.js", "robots.txt"]);
const VERSION_SLOT = "__RAPPORT_VERSION__";
const PRECACHE_SLOT = '["__RAPPORT_PRECACHE__"]';

function listFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listFiles(path));
    else found.push(path);
  }
  return found;
}

/** The URL paths to precache (sorted) and a version hash of their names and bytes. */
export function precacheManifest(outDir: string): { version: string; files: string[] } {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const path of listFiles(outDir).sort()) {
    const name = relative(outDir, path).split(sep).join("/");
    if (SKIP.has(name) || name.endsWith(".map")) continue;
    hash.update(name).update("\0").update(readFileSync(path)).update("\0");
    files.push("/" + name);
  }
  return { version: hash.digest("hex").slice(0, 16), files };
}

/** Emit dist/sw.js from `template` once the bundle is on disk. */
export function serviceWorker(template: string): Plugin {
  let config: ResolvedConfig;
  return {
    name: "rapport-service-worker",
    apply: "build",
    configResolved(resolved) {
      config = resolved;
    },
    writeBundle() {
      const outDir = config.build.outDir;
      const { version, files } = precacheManifest(outDir);
      const source = readFileSync(template, "utf8");
      if (!source.includes(VERSION_SLOT) || !source.includes(PRECACHE_SLOT)) {
        throw new Error(`${template} lacks ${VERSION_SLOT} or ${PRECACHE_SLOT}`);
      }
      const filled = source
        .replace(VERSION_SLOT, version)
        .replace(PRECACHE_SLOT, JSON.stringify(files, null, 2));
      writeFileSync(join(outDir, "sw.js"), filled);
      config.logger.info(`sw.js: version ${version}, ${files.length} files precached`);
    },
  };
}
