#!/usr/bin/env node
// Checks the package the way n8n's verification of community nodes does, offline:
//  1. dist/ holds only what the package needs (no compiled tests, no docs images);
//  2. packs it (npm pack) and checks the tarball's contents and published package.json;
//  3. runs n8n's own scanner (./n8n-scanner.mjs): its analysis, with the file patterns its CLI
//     uses, on the source checkout (package.json, nodes/, credentials/) and on the unpacked
//     tarball (compiled .js, package.json), and prints its findings verbatim;
//  4. checks the metadata n8n's reviewers and users see: no invented contact data, one repository
//     URL (package.json) that homepage, bugs, README and codex links agree with, codex categories
//     only from n8n's taxonomy;
//  5. runs `npm publish --dry-run`.
// `--release` (used by .github/workflows/release.yml) also fails on what only a maintainer can
// fill in before publishing (the author's real email, which n8n's valid-author rule requires).
// Run after `npm run build`. Prints one line per check and a closing "N passed, N failed".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { TARBALL_PATTERNS, analyze, loadScanner, scannerVersion, verdict } from './n8n-scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const release = process.argv.includes('--release');
const results = [];
const pending = [];

function check(name, ok, detail = '') {
	results.push(ok);
	const shown = !ok && detail ? `\n     ${detail.split('\n').join('\n     ')}` : '';
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${shown}`);
}

/** Runs n8n's scanner on `dir`, prints its findings verbatim and records the verdict. */
async function scannerCheck(scanner, name, dir, patterns) {
	const scan = await analyze(scanner, dir, patterns);
	console.log(
		`---- n8n scanner ${scannerVersion}, ${name}: ${scan.passed ? 'passed' : scan.message}`,
	);
	if (scan.details) console.log(scan.details.replace(/^\n+|\n+$/g, ''));
	const { ok, blocking, deferred } = verdict(scan, release);
	check(
		deferred.length && blocking.length === 0
			? `n8n's scanner on the ${name}: nothing but the author email (todo below)`
			: `n8n's scanner on the ${name}`,
		ok,
		scan.readable ? blocking.join(', ') : 'the scanner failed (see its output above)',
	);
	pending.push(...deferred);
}

/** Every file under dist/ that the package does not ship (tests, docs images, stale builds). */
function strayDistFiles() {
	const dist = path.join(root, 'dist');
	const stray = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			const rel = path.relative(root, full).split(path.sep).join('/');
			if (entry.isDirectory()) walk(full);
			else if (!isPackageFile(rel)) stray.push(rel);
		}
	};
	walk(dist);
	return stray;
}

/** What the package needs: compiled code of shared/, nodes/ and credentials/, codex JSON and icons. */
function isPackageFile(rel) {
	if (rel === 'dist/index.js') return true;
	if (!/^dist\/(shared|nodes|credentials)\//.test(rel)) return false;
	if (/(^|\/)(test|tests|__tests__)\/|\.test\.|\.spec\./.test(rel)) return false;
	return /\.(js|json|svg|png)$/.test(rel);
}

// n8n's codex taxonomy: the categories and subcategories n8n's own nodes use (read from every
// *.node.json of n8n-nodes-base 1.123.50 and 2.41.1). Communication, Sales etc. have no
// subcategories; only these do.
const CODEX_CATEGORIES = new Set([
	'AI',
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Developer Tools',
	'Development',
	'Finance & Accounting',
	'HITL',
	'Marketing',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
]);
const CODEX_SUBCATEGORIES = {
	AI: ['Agents', 'Root Nodes'],
	'Core Nodes': ['Data Transformation', 'Files', 'Flow', 'Helpers', 'Other Trigger Nodes'],
	HITL: ['Human in the Loop'],
};
// Addresses that are placeholders, not anyone's contact (RFC 2606/6761 names, and the address this
// package once carried without anyone owning it).
const PLACEHOLDER_EMAIL =
	/@(example\.(com|org|net)|[^@]*\.(test|example|invalid|localhost)|n8n-nodes-jelou\.dev)$/i;

/** The repository's web address, from package.json's repository field (the one place it is written). */
function repositoryWebUrl(pkg) {
	const raw = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
	const m = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(\.git)?$/.exec(raw);
	return m ? `https://github.com/${m[1]}/${m[2]}` : undefined;
}

/** README heading anchors the way GitHub makes them. */
function readmeAnchors(markdown) {
	const anchors = new Set(['readme']);
	for (const line of markdown.split('\n')) {
		const m = /^#{1,6}\s+(.*)$/.exec(line);
		if (!m) continue;
		anchors.add(
			m[1]
				.trim()
				.toLowerCase()
				.replace(/[^\p{L}\p{N}\s_-]/gu, '')
				.replace(/\s/g, '-'),
		);
	}
	return anchors;
}

function checkMetadata(pkg, unpacked) {
	// Contact data: only what someone owns.
	const people = [pkg.author, ...(pkg.contributors ?? []), ...(pkg.maintainers ?? [])].filter(
		Boolean,
	);
	const emails = people
		.map((p) => (typeof p === 'string' ? /<([^>]*)>/.exec(p)?.[1] : p.email))
		.concat(typeof pkg.bugs === 'object' ? [pkg.bugs.email] : [])
		.filter(Boolean);
	const invented = emails.filter((e) => PLACEHOLDER_EMAIL.test(e));
	check('no placeholder or invented contact addresses', invented.length === 0, invented.join(', '));

	// One repository URL; everything else points into it.
	const repo = repositoryWebUrl(pkg);
	check('repository is a GitHub URL in package.json', !!repo, JSON.stringify(pkg.repository));
	if (!repo) return;
	const under = (url) => url === repo || url.startsWith(`${repo}#`) || url.startsWith(`${repo}/`);
	const stray = [];
	if (pkg.homepage && !under(pkg.homepage)) stray.push(`homepage ${pkg.homepage}`);
	const bugsUrl = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
	if (bugsUrl && !under(bugsUrl)) stray.push(`bugs ${bugsUrl}`);
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const anchors = readmeAnchors(readme);
	for (const m of readme.matchAll(/https?:\/\/github\.com\/[\w.-]+\/[\w.-]+[^\s)"'>]*/g)) {
		const url = m[0].replace(/[.,]$/, '');
		// Links to other projects (n8n's repository, for instance) are fine; ours must be the one URL.
		if (/n8n-nodes-jelou/i.test(url) && !under(url)) stray.push(`README ${url}`);
	}
	const codexFiles = (pkg.n8n?.nodes ?? []).map((f) => f.replace(/\.js$/, '.json'));
	const badLinks = [];
	const badCategories = [];
	for (const rel of codexFiles) {
		const file = path.join(unpacked, rel);
		if (!fs.existsSync(file)) continue;
		const codex = JSON.parse(fs.readFileSync(file, 'utf8'));
		const name = path.basename(rel);
		for (const list of Object.values(codex.resources ?? {})) {
			for (const { url } of list) {
				if (!under(url)) stray.push(`${name} ${url}`);
				else if (url.includes('#') && !anchors.has(url.split('#')[1]))
					badLinks.push(`${name} ${url}`);
			}
		}
		for (const c of codex.categories ?? []) {
			if (!CODEX_CATEGORIES.has(c)) badCategories.push(`${name}: category "${c}"`);
		}
		for (const [c, subs] of Object.entries(codex.subcategories ?? {})) {
			for (const s of subs) {
				if (!(codex.categories ?? []).includes(c) || !CODEX_SUBCATEGORIES[c]?.includes(s)) {
					badCategories.push(`${name}: subcategory "${c}" > "${s}"`);
				}
			}
		}
	}
	check(
		`homepage, README and codex links point into ${repo}`,
		stray.length === 0,
		stray.join('\n'),
	);
	check('codex links to README sections that exist', badLinks.length === 0, badLinks.join('\n'));
	check(
		"codex categories and subcategories from n8n's taxonomy",
		codexFiles.length >= 2 && badCategories.length === 0,
		badCategories.join('\n'),
	);
}

/**
 * Relative requires in the unpacked package's compiled code that name no file of the package: a
 * folder the build compiles but package.json "files" leaves out (n8n would fail to load the node
 * or the credential that needs it).
 */
function unresolvedRequires(unpacked) {
	const missing = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith('.js')) {
				const code = fs.readFileSync(full, 'utf8');
				for (const [, spec] of code.matchAll(/\brequire\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g)) {
					const target = path.resolve(path.dirname(full), spec);
					const found = [
						target,
						`${target}.js`,
						`${target}.json`,
						path.join(target, 'index.js'),
					].some((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
					if (!found) missing.push(`${path.relative(unpacked, full)}: require('${spec}')`);
				}
			}
		}
	};
	walk(path.join(unpacked, 'dist'));
	return missing;
}

function npm(args, cwd = root) {
	return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jelou-pack-'));
try {
	if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'Jelou', 'Jelou.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}

	// 1. dist/: only the package (tsconfig.json compiles shared/, nodes/, credentials/ and
	// index.ts; gulp copies their icons and codex files). `n8n-node build` copies every .png/.svg
	// of the checkout into dist/ as well (docs images, the test rig's n8n installs): package.json
	// "files" keeps them out of the tarball, and this check says so.
	const strayDist = strayDistFiles();
	check(
		'dist/ holds only the package (index.js, shared/, nodes/, credentials/: .js, codex .json, icons)',
		strayDist.length === 0,
		`${strayDist.slice(0, 10).join('\n')}${strayDist.length > 10 ? `\n… ${strayDist.length - 10} more` : ''}\n(\`npm run build\` starts from an empty dist/)`,
	);

	// 2. The tarball.
	const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work]));
	const files = packed.files.map((f) => f.path).sort();
	const allowedTop = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
	const stray = files.filter((f) => !allowedTop.has(f) && !isPackageFile(f));
	check(
		'tarball holds only the package, package.json, README, LICENSE, CHANGELOG',
		stray.length === 0,
		stray.join(', '),
	);
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
	check(
		'every node and credential listed in package.json "n8n" is in the tarball',
		declared.length >= 2 && missing.length === 0,
		missing.join(', '),
	);
	for (const nodeFile of pkg.n8n?.nodes ?? []) {
		const dir = path.dirname(path.join(unpacked, nodeFile));
		const icons = fs.readdirSync(dir).filter((f) => f.endsWith('.svg'));
		const codex = fs.existsSync(nodeFile.replace(/\.js$/, '.json').replace(/^/, `${unpacked}/`));
		check(
			`${path.basename(nodeFile)}: light and dark icons and a codex file`,
			icons.length >= 2 && icons.some((f) => f.includes('.dark.')) && codex,
			icons.join(', '),
		);
	}
	check(
		'no runtime dependencies',
		!pkg.dependencies || Object.keys(pkg.dependencies).length === 0,
		JSON.stringify(pkg.dependencies ?? {}),
	);
	check('no "overrides" field', pkg.overrides === undefined);
	const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
		(s) => pkg.scripts?.[s],
	);
	check('no install-time lifecycle scripts', lifecycle.length === 0, lifecycle.join(', '));
	check(
		'peer dependency n8n-workflow is "*"',
		JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }),
		JSON.stringify(pkg.peerDependencies),
	);
	check(
		'MIT licence, keyword, repository and author',
		pkg.license === 'MIT' &&
			pkg.keywords?.includes('n8n-community-node-package') &&
			!!pkg.repository?.url &&
			!!pkg.author?.name,
	);
	check('semantic version', /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(pkg.version), pkg.version);
	const unresolved = unresolvedRequires(unpacked);
	check(
		"every relative require of the tarball's code names a file in the tarball",
		unresolved.length === 0,
		unresolved.join('\n'),
	);
	checkMetadata(pkg, unpacked);

	// 3. n8n's scanner: the analysis its CLI runs on the attested source and on the tarball.
	const scanner = await loadScanner(work);
	await scannerCheck(
		scanner,
		'source (package.json, nodes/, credentials/)',
		root,
		scanner.SOURCE_FILE_PATTERNS,
	);
	await scannerCheck(
		scanner,
		'packed tarball (compiled .js, package.json)',
		unpacked,
		TARBALL_PATTERNS,
	);

	// 4. A publish rehearsal (no upload).
	let publishOk = true;
	let publishDetail = '';
	try {
		npm(['publish', '--dry-run', '--ignore-scripts']);
	} catch (error) {
		publishOk = false;
		publishDetail = String(error.stderr ?? error.message)
			.split('\n')
			.slice(-5)
			.join('\n');
	}
	check('npm publish --dry-run', publishOk, publishDetail);
} catch (error) {
	check('package check ran', false, error.message);
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}

for (const rule of new Set(pending)) {
	console.log(
		`todo ${rule}: only a maintainer can clear it (a real author email, the npm account's: README, Releasing); \`npm run check:package -- --release\` fails until then`,
	);
}
const failed = results.filter((ok) => !ok).length;
console.log(
	`${results.length - failed} passed, ${failed} failed${pending.length ? `, ${new Set(pending).size} to do before a release` : ''}`,
);
process.exitCode = failed === 0 ? 0 : 1;
