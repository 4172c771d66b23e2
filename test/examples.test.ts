/**
 * The package as a user gets it: `npm pack` this repository, install the tarball in a fresh folder beside a
 * copy of examples/, and run the examples' mocha suite there (a real install from the tarball: dist/ as shipped,
 * the `exports` map, the declarations, the bin). better-sqlite3 is not compiled a second time: the install skips
 * install scripts and this repository's build of better-sqlite3 is copied in. The folder is removed afterwards,
 * also on failure.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('the packed package runs the examples project', function () {
  this.timeout(300_000);
  let dir = '';
  let tarball = '';
  let project = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-examples-'));
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repo, encoding: 'utf8' });
    tarball = join(dir, packed.trim().split('\n').pop()!);
    project = join(dir, 'examples');
    cpSync(join(repo, 'examples'), project, { recursive: true, filter: (src) => !src.includes('node_modules') });
    // The copy depends on the tarball instead of the repository folder; mocha is this repository's.
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    manifest.dependencies.lockstep = `file:${tarball}`;
    delete manifest.devDependencies;
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], { cwd: project, encoding: 'utf8' });
    cpSync(join(repo, 'node_modules/better-sqlite3/build'), join(project, 'node_modules/better-sqlite3/build'), { recursive: true });
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ships the compiled code and declarations, not the tests', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    assert.ok(files.includes('package/dist/sim/index.js'));
    assert.ok(files.includes('package/dist/sim/index.d.ts'));
    assert.ok(files.includes('package/bin/lockstep.js'));
    assert.equal(files.filter((f) => f.startsWith('package/dist/test/')).length, 0);
    assert.equal(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).length, 0, 'TypeScript sources shipped');
  });

  it("the examples' mocha suite passes against the installed tarball", () => {
    const mocha = join(repo, 'node_modules/mocha/bin/mocha.js');
    const run = spawnSync(process.execPath, [mocha, '--timeout', '120000', 'test/*.test.js'], { cwd: project, encoding: 'utf8' });
    process.stdout.write(run.stdout.replace(/^/gm, '    | '));
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /\d+ passing/);
    assert.doesNotMatch(run.stdout, /failing|pending/);
  });

  it('the CLI works from the installed tarball', () => {
    const run = spawnSync(process.execPath, [join(project, 'node_modules/lockstep/bin/lockstep.js'), 'list'], { cwd: project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /tickets/);
  });
});
