'use strict';
// The steps the real-n8n runner scripts share (npm run test:e2e, test:ai, test:queue, test:ui):
// which n8n lines, build and pack, the missing pinned runtimes, and `node --test` over the test
// files, each step timed by the script's stage timer (./stages.js).

const fs = require('node:fs');
const path = require('node:path');

const { ensureInstalled, getRuntime, isInstalled, REPO_ROOT } = require('./runtime');
const { buildPackage, packPackage, makeTempDir } = require('./n8n');
const { runNodeTests } = require('./node-test');
const { isStopping } = require('./procs');

/** @typedef {ReturnType<typeof import('./stages').stageTimer>} StageTimer */

/**
 * The options every runner script takes (for tools/harness/args.js): `--n8n <line>` (repeatable)
 * and `--no-build`. Anything a script does not know goes to `node --test`.
 */
const RUNNER_OPTIONS = {
	'--n8n': { key: 'lines', repeat: true },
	'--no-build': { key: 'build', flag: true, value: false },
};
const RUNNER_DEFAULTS = { lines: [], build: true };

/**
 * The n8n lines asked for with --n8n (1, 2, or a version), each once, as '1' or '2'; `fallback`
 * when none was asked for.
 * @param {readonly string[]} asked
 * @param {readonly string[]} fallback
 * @returns {string[]}
 */
function n8nLines(asked, fallback) {
	const lines = asked.length ? asked : fallback;
	return [...new Set(lines.map((l) => String(getRuntime(l).line)))];
}

/**
 * `npm run build` (unless `build` is false), then `npm pack` into a temporary folder.
 * @param {{ build: boolean, timer: StageTimer, say: (s: string) => void, prefix?: string }} opts
 * @returns {Promise<{ tgz: string, packDir: string }>}
 */
async function buildAndPack({ build, timer, say, prefix = 'n8n-jelou-pack-' }) {
	if (build) await timer.stage('build', () => buildPackage({ print: say }));
	const packDir = makeTempDir(prefix);
	const tgz = await timer.stage('pack', () => packPackage({ destDir: packDir, print: say }));
	say(`package: ${path.basename(tgz)}`);
	return { tgz, packDir };
}

/**
 * Installs the pinned runtimes of `lines` that are missing (in parallel unless `parallel` is
 * false: most of the time is registry metadata and one single-threaded sqlite3 compile each).
 * A runtime that cannot be installed does not stop the run: its error goes to
 * env.E2E_INSTALL_ERROR_<line>, which makes its test file fail with it (never a silent skip).
 * @param {readonly string[]} lines
 * @param {{ env: NodeJS.ProcessEnv, timer: StageTimer, say: (s: string) => void,
 *   tag: string, parallel?: boolean, tests?: string }} opts  `tag` prefixes the error line;
 *   `tests` names what will fail ("its tests")
 */
async function installMissingRuntimes(
	lines,
	{ env, timer, say, tag, parallel = true, tests = 'its tests' },
) {
	const missing = lines.filter((l) => !isInstalled(l));
	for (const l of lines) if (!missing.includes(l)) say(`${getRuntime(l).name} already installed`);
	if (!missing.length) return;
	/** @param {string} l */
	const installOne = async (l) => {
		try {
			await ensureInstalled(l);
		} catch (e) {
			if (isStopping()) return; // Ctrl-C: the signal handler exits
			env[`E2E_INSTALL_ERROR_${l}`] = e.message;
			console.error(
				`${tag} ERROR: ${getRuntime(l).name} could not be installed; ${tests} will fail.\n${e.message}`,
			);
		}
	};
	await timer.stage(`install n8n runtime(s) ${missing.join(', ')}`, async () => {
		if (parallel) await Promise.all(missing.map(installOne));
		else for (const l of missing) await installOne(l);
	});
}

/**
 * `node --test` over `files` (which must exist), as the stage "node --test". Resolves its exit code.
 * @param {string[]} files
 * @param {{ passthrough: string[], env: NodeJS.ProcessEnv, timer: StageTimer,
 *   say: (s: string) => void }} opts
 * @returns {Promise<number>}
 */
async function runTestFiles(files, { passthrough, env, timer, say }) {
	for (const f of files) if (!fs.existsSync(f)) throw new Error(`missing test file ${f}`);
	say(`running: node --test ${files.map((f) => path.relative(REPO_ROOT, f)).join(' ')}`);
	return timer.stage('node --test', () => runNodeTests(files, passthrough, env));
}

module.exports = {
	RUNNER_OPTIONS,
	RUNNER_DEFAULTS,
	n8nLines,
	buildAndPack,
	installMissingRuntimes,
	runTestFiles,
};
