'use strict';
// The runner scripts' one argument parser (../args.js) and one stage timer (../stages.js).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { parseArgs, number, list, headerUsage } = require('../args');
const { stageTimer, secs } = require('../stages');

const RUNNER = {
	options: {
		'--n8n': { key: 'lines', repeat: true },
		'--no-build': { key: 'build', flag: true, value: false },
		'--suite': { key: 'suite' },
	},
	defaults: { lines: [], build: true, suite: 'e2e' },
	unknown: /** @type {const} */ ('passthrough'),
};

describe('parseArgs', () => {
	it('reads --name value, --name=value, repeats and flags; hands the rest on in order', () => {
		const args = parseArgs(
			['--n8n', '1', '--test-name-pattern=Trigger', '--n8n=2', '--no-build', '--suite=ai', 'x'],
			RUNNER,
		);
		assert.deepEqual(args, {
			lines: ['1', '2'],
			build: false,
			suite: 'ai',
			passthrough: ['--test-name-pattern=Trigger', 'x'],
		});
	});

	it('starts from the defaults every time without changing them', () => {
		parseArgs(['--n8n', '2'], RUNNER);
		assert.deepEqual(parseArgs([], RUNNER), {
			lines: [],
			build: true,
			suite: 'e2e',
			passthrough: [],
		});
		assert.deepEqual(RUNNER.defaults.lines, []);
	});

	it('sets help for --help and -h', () => {
		assert.equal(parseArgs(['--help'], RUNNER).help, true);
		assert.equal(parseArgs(['-h'], { options: {} }).help, true);
		assert.equal(parseArgs([], RUNNER).help, undefined);
	});

	it('refuses an unknown option, a missing value and a value for a flag, naming the option', () => {
		const spec = { options: RUNNER.options };
		assert.throws(() => parseArgs(['--bogus=1'], spec), {
			name: 'TypeError',
			message: 'unknown option --bogus',
		});
		assert.throws(() => parseArgs(['--suite'], spec), { message: '--suite needs a value' });
		assert.throws(() => parseArgs(['--no-build=yes'], spec), {
			message: '--no-build takes no value',
		});
	});

	it('keeps positional arguments and still refuses unknown options', () => {
		const spec = {
			options: { '--top': { key: 'top', parse: Number } },
			defaults: { top: 30 },
			unknown: /** @type {const} */ ('positional'),
		};
		assert.deepEqual(parseArgs(['a.cpuprofile', '--top', '5'], spec), {
			top: 5,
			positional: ['a.cpuprofile'],
		});
		assert.throws(() => parseArgs(['--match', 'x'], spec), { message: 'unknown option --match' });
	});

	it('checks numbers and lists with number() and list()', () => {
		const spec = {
			options: {
				'--n': { key: 'n', parse: number(1, 100, { integer: true }) },
				'--latency': { key: 'latency', parse: number(0, 10) },
				'--reps': { key: 'reps', parse: list(number(1, 9, { integer: true })) },
				'--only': { key: 'only', repeat: true, parse: list() },
			},
			defaults: { only: [] },
		};
		assert.deepEqual(
			parseArgs(
				['--n', '7.9', '--latency=2.5', '--reps', '3,1', '--only', 'a,b', '--only=c'],
				spec,
			),
			{ n: 7, latency: 2.5, reps: [3, 1], only: ['a', 'b', 'c'] },
		);
		assert.throws(() => parseArgs(['--n', '0'], spec), {
			message: '--n must be a number from 1 to 100',
		});
		assert.throws(() => parseArgs(['--reps', '2,x'], spec), {
			message: '--reps must be a number from 1 to 9',
		});
	});
});

describe('headerUsage', () => {
	it("is the script's leading comment block without the comment marks", () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rig-args-test-'));
		try {
			const file = path.join(dir, 'script.js');
			fs.writeFileSync(
				file,
				"#!/usr/bin/env node\n'use strict';\n// Line one.\n//\n//   --flag   what it does\n\nconst x = 1; // not this\n",
			);
			assert.equal(headerUsage(file), 'Line one.\n\n  --flag   what it does\n');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('stageTimer', () => {
	/** A clock that moves only when told. */
	function fakeClock() {
		let t = 1000;
		return { now: () => t, advance: (/** @type {number} */ ms) => (t += ms) };
	}

	it('times each stage, also one that throws, and sums up with the total', async () => {
		const clock = fakeClock();
		const timer = stageTimer({ now: clock.now });
		assert.equal(await timer.stage('build', () => (clock.advance(1500), 'built')), 'built');
		await assert.rejects(
			timer.stage('pack', async () => {
				clock.advance(250);
				throw new Error('npm pack failed');
			}),
			/npm pack failed/,
		);
		timer.record('postgres start', 2000);
		clock.advance(100);
		assert.deepEqual(timer.timings, [
			['build', 1500],
			['pack', 250],
			['postgres start', 2000],
		]);
		assert.equal(timer.summary(), 'build 1.5 s, pack 0.3 s, postgres start 2.0 s; total 1.9 s');
		assert.equal(
			timer.summary({ separator: '; ', total: false }),
			'build 1.5 s; pack 0.3 s; postgres start 2.0 s',
		);
	});

	it('secs() writes milliseconds as seconds', () => {
		assert.equal(secs(1234), '1.2 s');
		assert.equal(secs(1234, 2), '1.23 s');
	});
});
