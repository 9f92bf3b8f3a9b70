#!/usr/bin/env node
// Checks the package the way n8n's verification of community nodes does, offline:
//  1. packs it (npm pack) and checks the tarball's contents and published package.json;
//  2. lints the unpacked tarball (compiled .js and package.json) and the source (nodes/,
//     credentials/, package.json) with n8n's own scanner rules (@n8n/scan-community-package's
//     analyzePackage, with inline eslint-disable comments ignored, as n8n does);
//  3. runs `npm publish --dry-run`.
// The scanner's CLI needs the public registry (it downloads the published tarball, its
// provenance and the GitHub source); its lint step is what we can and do run here.
// Run after `npm run build`. Prints one line per check and a closing "N passed, N failed".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = [];

function check(name, ok, detail = '') {
	results.push(ok);
	const shown = !ok && detail ? `\n     ${detail.split('\n').join('\n     ')}` : '';
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${shown}`);
}

function npm(args, cwd = root) {
	return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jelou-pack-'));
try {
	if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'Jelou', 'Jelou.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}

	// 1. The tarball.
	const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work]));
	const files = packed.files.map((f) => f.path).sort();
	const allowedTop = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
	const stray = files.filter((f) => !f.startsWith('dist/') && !allowedTop.has(f));
	check('tarball holds only dist/, package.json, README, LICENSE, CHANGELOG', stray.length === 0, stray.join(', '));
	const tests = files.filter((f) => /(^|\/)(test|tests|__tests__)\/|\.test\.|\.spec\./.test(f));
	check('no test files in the tarball', tests.length === 0, tests.join(', '));
	const maps = files.filter((f) => f.endsWith('.map'));
	check('no source maps in the tarball', maps.length === 0, maps.join(', '));
	const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
	check('no TypeScript sources in the tarball', sources.length === 0, sources.join(', '));

	execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
	const unpacked = path.join(work, 'package');
	const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	const declared = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = declared.filter((f) => !fs.existsSync(path.join(unpacked, f)));
	check('every node and credential listed in package.json "n8n" is in the tarball', declared.length >= 2 && missing.length === 0, missing.join(', '));
	for (const nodeFile of pkg.n8n?.nodes ?? []) {
		const dir = path.dirname(path.join(unpacked, nodeFile));
		const icons = fs.readdirSync(dir).filter((f) => f.endsWith('.svg'));
		const codex = fs.existsSync(nodeFile.replace(/\.js$/, '.json').replace(/^/, `${unpacked}/`));
		check(`${path.basename(nodeFile)}: light and dark icons and a codex file`, icons.length >= 2 && icons.some((f) => f.includes('.dark.')) && codex, icons.join(', '));
	}
	check('no runtime dependencies', !pkg.dependencies || Object.keys(pkg.dependencies).length === 0, JSON.stringify(pkg.dependencies ?? {}));
	check('no "overrides" field', pkg.overrides === undefined);
	const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => pkg.scripts?.[s]);
	check('no install-time lifecycle scripts', lifecycle.length === 0, lifecycle.join(', '));
	check('peer dependency n8n-workflow is "*"', JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }), JSON.stringify(pkg.peerDependencies));
	check('MIT licence, keyword, repository and author', pkg.license === 'MIT' && pkg.keywords?.includes('n8n-community-node-package') && !!pkg.repository?.url && !!pkg.author?.name);
	check('semantic version', /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(pkg.version), pkg.version);

	// 2. n8n's scanner rules, on the tarball and on the source.
	const tarballScan = await analyzePackage(unpacked);
	check("n8n scanner rules on the tarball (compiled .js, package.json)", tarballScan.passed, tarballScan.details ?? tarballScan.message ?? '');
	const sourceScan = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	check('n8n scanner rules on the source (nodes/, credentials/, package.json)', sourceScan.passed, sourceScan.details ?? sourceScan.message ?? '');

	// 3. A publish rehearsal (no upload).
	let publishOk = true;
	let publishDetail = '';
	try {
		npm(['publish', '--dry-run', '--ignore-scripts']);
	} catch (error) {
		publishOk = false;
		publishDetail = String(error.stderr ?? error.message).split('\n').slice(-5).join('\n');
	}
	check('npm publish --dry-run', publishOk, publishDetail);
} catch (error) {
	check('package check ran', false, error.message);
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
