// Writes THIRD-PARTY-NOTICES for the bundle: the name, version, licence and licence text of every
// npm package whose code esbuild put into dist/. The bundle is what npm installs, with no
// node_modules beside it, so the MIT/ISC/BSD terms of what it contains have to travel inside it.
//
//   import { writeNotices } from './notices.js';
//   const result = await build({ ...options, metafile: true });
//   writeNotices(result.metafile, 'dist/THIRD-PARTY-NOTICES');
//
// Several builds (one per output folder) pass their metafiles as an array.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The package folders (relative to the build's working directory) of the inputs that left bytes in
 * an output. An input esbuild read but tree-shook away entirely is not shipped, so it needs no notice.
 */
function shippedPackageDirs(metafile) {
  const paths = new Set();
  const outputs = Object.values(metafile.outputs ?? {});
  if (outputs.length > 0) {
    for (const output of outputs) {
      for (const [path, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
        if (bytesInOutput > 0) paths.add(path);
      }
    }
  } else {
    for (const path of Object.keys(metafile.inputs ?? {})) paths.add(path);
  }
  const dirs = new Set();
  for (const path of paths) {
    const dir = packageDir(path);
    if (dir) dirs.add(dir);
  }
  return dirs;
}

/**
 * "node_modules/a/node_modules/@s/b/lib/x.js" -> "node_modules/a/node_modules/@s/b": the innermost
 * package, which is the one whose code it is. Inputs outside node_modules are ours (or esbuild's
 * own, "<runtime>"), and get undefined. A plugin's namespace in front ("ns:/abs/path", as esbuild
 * writes inputs a plugin loaded) is dropped: the code is still that package's.
 */
export function packageDir(inputPath) {
  const path = inputPath.replace(/^[\w-]+:(?=.*node_modules)/, '');
  const parts = path.replaceAll('\\', '/').split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const nameParts = parts[at + 1].startsWith('@') ? 2 : 1;
  if (at + nameParts >= parts.length) return undefined;
  return parts.slice(0, at + 1 + nameParts).join('/');
}

const LICENCE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

/** One package's entry: its package.json facts and the text of its licence file(s). */
function describe(root, dir) {
  const folder = resolve(root, dir);
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const licence = typeof pkg.license === 'string'
    ? pkg.license
    : Array.isArray(pkg.licenses) ? pkg.licenses.map((l) => l.type).join(' OR ') : 'UNKNOWN';
  const files = readdirSync(folder).filter((name) => LICENCE_FILE.test(name)).sort();
  const texts = files.map((name) => readFileSync(join(folder, name), 'utf8').trim());
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return { name: pkg.name, version: pkg.version, licence, author, texts };
}

/**
 * Writes the notices for `metafile` (one esbuild metafile or an array of them) to `outFile`.
 * `root` is the folder the metafile's paths are relative to: esbuild's working directory, by
 * default the current one. Returns the packages listed, as "name@version".
 */
export function writeNotices(metafile, outFile, { root = process.cwd() } = {}) {
  const dirs = new Set();
  for (const one of [metafile].flat()) for (const dir of shippedPackageDirs(one)) dirs.add(dir);

  const packages = new Map();
  for (const dir of dirs) {
    const entry = describe(root, dir);
    packages.set(`${entry.name}@${entry.version}`, entry);
  }
  const entries = [...packages.values()].sort((a, b) =>
    a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1,
  );

  const rule = '-'.repeat(72);
  const sections = entries.map((entry) => {
    const text = entry.texts.length > 0
      ? entry.texts.join('\n\n')
      : `(The package ships no licence file; its package.json names the licence ${entry.licence}` +
        `${entry.author ? ` and the author ${entry.author}` : ''}.)`;
    return `${rule}\n${entry.name} ${entry.version} (${entry.licence})\n${rule}\n\n${text}\n`;
  });
  const head =
    'The files in dist/ contain code of the following npm packages, bundled by esbuild.\n' +
    'Each is listed with its version, its licence, and the licence text it ships.\n';
  writeFileSync(outFile, `${head}\n${sections.join('\n')}`);
  return entries.map((entry) => `${entry.name}@${entry.version}`);
}

// `node scripts/notices.js META.json... OUT` writes the notices from metafiles saved as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.length >= 4) {
  const args = process.argv.slice(2);
  const out = args.pop();
  const metafiles = args.map((file) => JSON.parse(readFileSync(file, 'utf8')));
  console.log(writeNotices(metafiles, out).join('\n'));
}
