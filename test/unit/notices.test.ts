// scripts/notices.js: the licence notices that ship with the bundle, from esbuild's metafile.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { build } from 'esbuild';

// A plain JavaScript module of the build: imported by URL, so untyped.
const { writeNotices, packageDir } = (await import(new URL('../../scripts/notices.js', import.meta.url).href)) as {
  writeNotices: (metafile: unknown, outFile: string, options?: { root?: string }) => string[];
  packageDir: (path: string) => string | undefined;
};

const ROOT = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'tsmqtt-notices-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('writeNotices', () => {
  test('a real esbuild bundle of chalk: chalk is listed with the licence text it ships', async () => {
    const result = await build({
      stdin: { contents: "import chalk from 'chalk'; console.log(chalk.red('x'));", resolveDir: ROOT, sourcefile: 'entry.js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      outfile: join(scratch, 'out.js'),
      metafile: true,
      logLevel: 'silent',
    });
    const out = join(scratch, 'real-NOTICES');
    const listed = writeNotices(result.metafile, out, { root: ROOT });
    const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'chalk', 'package.json'), 'utf8')).version as string;
    assert.deepEqual(listed, [`chalk@${version}`]);
    const notices = readFileSync(out, 'utf8');
    assert.match(notices, new RegExp(`^chalk ${version.replaceAll('.', '\\.')} \\(MIT\\)$`, 'm'));
    assert.ok(notices.includes(readFileSync(join(ROOT, 'node_modules', 'chalk', 'license'), 'utf8').trim()));
  });

  test('nested and scoped packages, several metafiles; our own files and tree-shaken inputs are left out', () => {
    const root = join(scratch, 'fake');
    write(join(root, 'node_modules/a/package.json'), JSON.stringify({ name: 'a', version: '1.0.0', license: 'MIT' }));
    write(join(root, 'node_modules/a/LICENSE'), 'MIT licence of a\n');
    write(join(root, 'node_modules/a/node_modules/b/package.json'), JSON.stringify({ name: 'b', version: '2.0.0', license: 'ISC' }));
    write(join(root, 'node_modules/a/node_modules/b/LICENCE.md'), 'ISC licence of b\n');
    write(join(root, 'node_modules/@s/c/package.json'), JSON.stringify({ name: '@s/c', version: '3.0.0', license: 'BSD-3-Clause', author: { name: 'Ada' } }));
    write(join(root, 'node_modules/unused/package.json'), JSON.stringify({ name: 'unused', version: '1.0.0', license: 'GPL-3.0' }));
    const one = {
      inputs: {},
      outputs: {
        'dist/x.cjs': {
          inputs: {
            'src/cli/tspub.ts': { bytesInOutput: 100 },
            'node_modules/a/index.js': { bytesInOutput: 10 },
            'node_modules/a/node_modules/b/lib/deep.js': { bytesInOutput: 10 },
            'node_modules/unused/index.js': { bytesInOutput: 0 },
          },
        },
      },
    };
    const two = { inputs: {}, outputs: { 'dist/y.cjs': { inputs: { 'node_modules/@s/c/dist/index.js': { bytesInOutput: 5 }, 'node_modules/a/other.js': { bytesInOutput: 1 } } } } };
    const out = join(scratch, 'fake-NOTICES');
    assert.deepEqual(writeNotices([one, two], out, { root }), ['@s/c@3.0.0', 'a@1.0.0', 'b@2.0.0']);
    const notices = readFileSync(out, 'utf8');
    assert.match(notices, /^a 1\.0\.0 \(MIT\)\n-+\n\nMIT licence of a$/m);
    assert.match(notices, /^b 2\.0\.0 \(ISC\)\n-+\n\nISC licence of b$/m);
    // No licence file: the licence is still named, and the gap said.
    assert.match(notices, /^@s\/c 3\.0\.0 \(BSD-3-Clause\)\n-+\n\n\(The package ships no licence file; its package\.json names the licence BSD-3-Clause and the author Ada\.\)$/m);
    assert.doesNotMatch(notices, /unused|GPL/);
  });
});

describe('packageDir', () => {
  test('the innermost package of a path', () => {
    assert.equal(packageDir('node_modules/mqtt/build/lib/client.js'), 'node_modules/mqtt');
    assert.equal(packageDir('node_modules/yargs/node_modules/y18n/index.js'), 'node_modules/yargs/node_modules/y18n');
    assert.equal(packageDir('node_modules/@babel/runtime/helpers/x.js'), 'node_modules/@babel/runtime');
    assert.equal(packageDir('my-lazy:/repo/node_modules/cliui/node_modules/string-width/index.js'), '/repo/node_modules/cliui/node_modules/string-width');
    assert.equal(packageDir('src/cli/tspub.ts'), undefined);
    assert.equal(packageDir('<runtime>'), undefined);
    assert.equal(packageDir('node_modules/@scope'), undefined);
  });
});
