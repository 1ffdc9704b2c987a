// What the browser tests and the browser benchmark share: a static file server
// on loopback and the flags Debian's Chromium needs on a machine without a
// network. Node.js built-ins only, so either folder's scripts can import it.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

/** Debian's Chromium, or the one named by HALLMARK_CHROMIUM. */
export const CHROMIUM = process.env.HALLMARK_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a sandboxed CI machine with no network (see the README's test notes). */
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm",
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".webp": "image/webp", ".svg": "image/svg+xml", ".mp4": "video/mp4",
  ".pem": "text/plain", ".txt": "text/plain",
};

/**
 * Serve `mounts` ({ "/prefix/": dir }) on 127.0.0.1 with an ephemeral port
 * (or `port`), never cached; a folder answers with its index.html.
 * `onRequest(path)` is told of every request, before it is answered.
 */
export async function serve(mounts, { onRequest, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    onRequest?.(url.pathname);
    const mount = Object.keys(mounts).find((m) => url.pathname.startsWith(m));
    if (!mount) { res.writeHead(404).end(); return; }
    const file = path.join(mounts[mount], decodeURIComponent(url.pathname.slice(mount.length)));
    if (!file.startsWith(mounts[mount])) { res.writeHead(403).end(); return; }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? path.join(file, "index.html") : file;
      const body = await readFile(target);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(target).toLowerCase()] ?? "application/octet-stream",
        "cache-control": "no-store",
        "access-control-allow-origin": "*",
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}
