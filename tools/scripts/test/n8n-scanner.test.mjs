// The package checks' use of n8n's scanner (tools/scripts/n8n-scanner.mjs), on small packages
// written here: the scanner's own analysis reports what it finds, the author email alone is left
// for a maintainer outside a release and blocks a release, and any other finding always blocks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	MAINTAINER_ONLY_RULES,
	TARBALL_PATTERNS,
	analyze,
	loadScanner,
	verdict,
} from '../n8n-scanner.mjs';

const AUTHOR_RULE = '@n8n/community-nodes/valid-author';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jelou-scanner-test-'));
let scanner;

before(async () => {
	fs.mkdirSync(path.join(work, 'tmp'));
	scanner = await loadScanner(path.join(work, 'tmp'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A packed community package: package.json and one compiled node file. */
function writePackage(name, { author, nodeCode }) {
	const dir = path.join(work, name);
	fs.mkdirSync(path.join(dir, 'dist', 'nodes', 'Demo'), { recursive: true });
	const pkg = {
		name: 'n8n-nodes-demo',
		version: '1.0.0',
		description: 'A package for the scanner test',
		keywords: ['n8n-community-node-package'],
		license: 'MIT',
		homepage: 'https://github.com/demo/n8n-nodes-demo',
		author,
		repository: { type: 'git', url: 'git+https://github.com/demo/n8n-nodes-demo.git' },
		main: 'dist/nodes/Demo/Demo.node.js',
		files: ['dist'],
		n8n: { n8nNodesApiVersion: 1, credentials: [], nodes: ['dist/nodes/Demo/Demo.node.js'] },
		peerDependencies: { 'n8n-workflow': '*' },
	};
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
	fs.writeFileSync(path.join(dir, 'dist', 'nodes', 'Demo', 'Demo.node.js'), nodeCode);
	return dir;
}

/**
 * n8n's analysis of a package written by `writePackage`, with the patterns used on the tarball.
 * @param {string} name
 * @param {{ author: object, nodeCode: string }} fields
 */
const scanPackage = (name, fields) =>
	analyze(scanner, writePackage(name, fields), TARBALL_PATTERNS);

const CLEAN_CODE = '"use strict";\nexports.double = (n) => n * 2;\n';
const WITH_EMAIL = { name: 'Demo Maintainer', email: 'maintainer@demo.dev' };
const NO_EMAIL = { name: 'Demo Maintainer' };

test('a clean package passes, in a release too', async () => {
	const scan = await scanPackage('clean', { author: WITH_EMAIL, nodeCode: CLEAN_CODE });
	assert.equal(scan.passed, true);
	assert.deepEqual(scan.rules, []);
	assert.deepEqual(verdict(scan, false), { ok: true, blocking: [], deferred: [] });
	assert.deepEqual(verdict(scan, true), { ok: true, blocking: [], deferred: [] });
});

test('no author email: the scanner says so; left to a maintainer, but a release fails', async () => {
	const scan = await scanPackage('no-email', { author: NO_EMAIL, nodeCode: CLEAN_CODE });
	assert.equal(scan.passed, false);
	assert.deepEqual(scan.rules, [AUTHOR_RULE]);
	assert.match(scan.details, /The "author" field must include a non-empty email/);
	assert.ok(MAINTAINER_ONLY_RULES.has(AUTHOR_RULE));
	assert.deepEqual(verdict(scan, false), { ok: true, blocking: [], deferred: [AUTHOR_RULE] });
	assert.deepEqual(verdict(scan, true), { ok: false, blocking: [AUTHOR_RULE], deferred: [] });
});

test('any other finding blocks, also beside the author email', async () => {
	const code = `${CLEAN_CODE}console.log('debug');\n`;
	const scan = await scanPackage('console', { author: NO_EMAIL, nodeCode: code });
	assert.equal(scan.passed, false);
	assert.deepEqual([...scan.rules].sort(), [AUTHOR_RULE, 'no-console']);
	assert.match(scan.details, /Demo\.node\.js\n\s+3:1\s+error\s+Unexpected console statement/);
	assert.deepEqual(verdict(scan, false), {
		ok: false,
		blocking: ['no-console'],
		deferred: [AUTHOR_RULE],
	});
	assert.equal(verdict(scan, true).ok, false);
});

test('a failed analysis with no finding to read blocks', () => {
	const scan = { passed: false, message: 'Analysis failed: boom', rules: [], readable: false };
	assert.equal(verdict(scan, false).ok, false);
	assert.equal(verdict(scan, true).ok, false);
});
