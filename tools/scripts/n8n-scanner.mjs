// n8n's scanner (@n8n/scan-community-package, a pinned devDependency) as our package checks use
// it: its own analysis function, on a local folder, with its findings as it formats them.
// Its command line only takes a published name (it checks the npm provenance, downloads the
// tarball and the GitHub source the provenance names); the analysis is the part that runs here.
import { createRequire } from 'node:module';
import { stripVTControlCharacters } from 'node:util';

const SCANNER = '@n8n/scan-community-package';

export const scannerVersion = createRequire(import.meta.url)(`${SCANNER}/package.json`).version;

// n8n requires an author email (rule valid-author); we publish none we cannot vouch for. Until a
// maintainer adds a real one, it is the one finding left for a release to clear.
export const MAINTAINER_ONLY_RULES = new Set(['@n8n/community-nodes/valid-author']);

/** The file patterns the scanner's command passes for the packed tarball. */
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

/**
 * The scanner's module. Loaded with TMPDIR pointed at `tmpDir`: on import it creates a temporary
 * folder for its command's downloads and never removes it, so the caller's cleanup does.
 */
export async function loadScanner(tmpDir) {
	const saved = process.env.TMPDIR;
	process.env.TMPDIR = tmpDir;
	try {
		return await import(`${SCANNER}/scanner/scanner.mjs`);
	} finally {
		if (saved === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = saved;
	}
}

/**
 * Runs the scanner's analysis on `dir` with `patterns`. Returns its verdict, its findings as it
 * formats them (`details`, eslint's "stylish" text), the rules it reported as errors, and whether
 * that text could be read (a failure without one readable finding is an error of the scanner).
 */
export async function analyze(scanner, dir, patterns) {
	const result = await scanner.analyzePackage(dir, patterns);
	const rules = new Set();
	// One line per finding, the rule id last; colours, if any, stripped for reading only.
	const plain = stripVTControlCharacters(result.details ?? '');
	for (const m of plain.matchAll(/^\s+\d+:\d+\s+error\s+.*\s(\S+)$/gm)) rules.add(m[1]);
	return {
		passed: result.passed,
		message: result.message,
		details: result.details,
		rules: [...rules],
		readable: result.passed || rules.size > 0,
	};
}

/**
 * Whether a scan lets the package through. Outside a release the maintainer-only rules are
 * `deferred` (listed as to do); in a release every finding blocks.
 */
export function verdict(scan, release) {
	const blocking = scan.rules.filter((r) => release || !MAINTAINER_ONLY_RULES.has(r));
	const deferred = release ? [] : scan.rules.filter((r) => MAINTAINER_ONLY_RULES.has(r));
	return { ok: scan.passed || (scan.readable && blocking.length === 0), blocking, deferred };
}
