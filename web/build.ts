/**
 * Builds the dashboard into web/dist (served by the server at /): one ES module bundle and one
 * stylesheet under assets/ with content hashes (served immutable), and index.html pointing at them.
 * `node --import tsx web/build.ts [--watch]`; the set-up script runs it when this file exists.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import * as esbuild from "esbuild";

const root = resolve(import.meta.dirname);
const outdir = join(root, "dist");
const watch = process.argv.includes("--watch");

async function writeIndex(result: esbuild.BuildResult): Promise<void> {
  const outputs = Object.keys(result.metafile?.outputs ?? {});
  const pick = (ext: string) => {
    const file = outputs.find((o) => o.endsWith(ext) && !o.endsWith(".map"));
    if (!file) throw new Error(`web/build.ts: esbuild produced no ${ext} file`);
    return "/" + relative(outdir, resolve(process.cwd(), file)).split("\\").join("/");
  };
  const html = (await readFile(join(root, "src/index.html"), "utf8")).replace("%JS%", pick(".js")).replace("%CSS%", pick(".css"));
  // written aside then renamed: a page loading during a rebuild gets the old or the new index, whole
  const tmp = join(outdir, `index.html.${process.pid}.tmp`);
  await writeFile(tmp, html);
  await rename(tmp, join(outdir, "index.html"));
  // drop assets of older builds (kept until now so pages still loading them do not break)
  const keep = new Set(outputs.map((o) => basename(o)));
  for (const f of await readdir(join(outdir, "assets")).catch(() => [] as string[])) if (!keep.has(f)) await rm(join(outdir, "assets", f), { force: true });
}

const options: esbuild.BuildOptions = {
  entryPoints: { app: join(root, "src/main.ts"), styles: join(root, "src/styles.css") },
  outdir,
  entryNames: "assets/[name]-[hash]",
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  minify: !watch,
  sourcemap: true,
  metafile: true,
  legalComments: "linked",
  logLevel: "warning",
  plugins: [{ name: "index-html", setup: (b) => b.onEnd(async (r) => { if (r.errors.length === 0) await writeIndex(r); }) }],
};

await mkdir(outdir, { recursive: true });
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  process.stdout.write(`web: watching ${relative(process.cwd(), root)}/src, writing ${relative(process.cwd(), outdir)}\n`);
} else {
  const result = await esbuild.build(options);
  const size = Object.entries(result.metafile!.outputs).filter(([f]) => !f.endsWith(".map")).map(([f, o]) => `${basename(f)} ${(o.bytes / 1024).toFixed(1)} KB`);
  process.stdout.write(`web: built ${relative(process.cwd(), outdir)} (${size.join(", ")})\n`);
}
