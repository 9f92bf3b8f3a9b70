'use strict';
// The steps the real-n8n runner scripts share (npm run test:e2e, test:ai, test:queue, test:ui):
// their common options, which n8n lines, build and pack, the missing pinned runtimes, and
// `node --test` over the test files, each step timed by one stage timer (./stages.js).

const fs = require('node:fs');
const path = require('node:path');

const { ensureInstalled, getRuntime, isInstalled, REPO_ROOT } = require('./runtime');
const { buildPackage, packPackage, makeTempDir } = require('./n8n');
const { runNodeTests } = require('./node-test');
const { isStopping } = require('./procs');
const { stageTimer } = require('./stages');

/**
 * The options every runner script takes (for ./args.js): `--n8n <line>` (repeatable) and
 * `--no-build`. Anything a script does not know goes to `node --test`.
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
 * One run of a runner script: its lines are printed with `tag` ("[e2e]"), its stages timed.
 * @param {string} tag
 */
function createRunner(tag) {
	const timer = stageTimer();
	/** @param {string} s */
	const say = (s) => console.log(`${tag} ${s}`);
	/** @type {string | undefined} */
	let packDir;

	return {
		timer,
		say,

		/**
		 * `npm run build` (unless `build` is false), then `npm pack` into a temporary folder.
		 * Resolves the tarball's path.
		 * @param {boolean} build
		 * @param {string} [prefix]  the temporary folder's name prefix
		 */
		async buildAndPack(build, prefix = 'n8n-jelou-pack-') {
			if (build) await timer.stage('build', () => buildPackage({ print: say }));
			packDir = makeTempDir(prefix);
			const dir = packDir;
			const tgz = await timer.stage('pack', () => packPackage({ destDir: dir, print: say }));
			say(`package: ${path.basename(tgz)}`);
			return tgz;
		},

		/**
		 * Installs the pinned runtimes of `lines` that are missing (in parallel unless `parallel`
		 * is false: most of the time is registry metadata and one single-threaded sqlite3 compile
		 * each). A runtime that cannot be installed does not stop the run: its error goes to
		 * env.E2E_INSTALL_ERROR_<line>, which makes its test file fail with it (never a silent
		 * skip).
		 * @param {readonly string[]} lines
		 * @param {NodeJS.ProcessEnv} env  the test files' environment
		 * @param {{ parallel?: boolean, tests?: string }} [opts]  `tests`: what fails ("its tests")
		 */
		async installMissingRuntimes(lines, env, { parallel = true, tests = 'its tests' } = {}) {
			const missing = lines.filter((l) => !isInstalled(l));
			for (const l of lines)
				if (!missing.includes(l)) say(`${getRuntime(l).name} already installed`);
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
		},

		/**
		 * `node --test` over `files` (which must exist), as the stage "node --test". Resolves its
		 * exit code.
		 * @param {string[]} files
		 * @param {string[]} passthrough  the arguments for `node --test`
		 * @param {NodeJS.ProcessEnv} env
		 */
		async runTestFiles(files, passthrough, env) {
			for (const f of files) if (!fs.existsSync(f)) throw new Error(`missing test file ${f}`);
			say(`running: node --test ${files.map((f) => path.relative(REPO_ROOT, f)).join(' ')}`);
			return timer.stage('node --test', () => runNodeTests(files, passthrough, env));
		},

		/**
		 * Removes the packed package, prints the stages' times and exits with `code`.
		 * @param {number} code
		 */
		finish(code) {
			if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
			say(`timings: ${timer.summary()}`);
			process.exit(code);
		},
	};
}

module.exports = { RUNNER_OPTIONS, RUNNER_DEFAULTS, n8nLines, createRunner };
