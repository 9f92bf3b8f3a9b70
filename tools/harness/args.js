'use strict';
// The one command-line parser of the rig's scripts (npm run test:e2e, test:ai, test:queue,
// test:ui, bench, start, the sandbox and model server CLIs, the screenshot and profile tools).
// Each script declares its options in a table; this file reads argv against it the same way for
// all: `--name value` or `--name=value`, flags without a value, `--help`/`-h`, repeated options,
// and one rule for what it does not know (hand it on to `node --test`, keep it as a positional
// argument, or refuse it).

const fs = require('node:fs');

/**
 * @typedef {object} OptionSpec
 * @property {string} key  the property of the result the option sets
 * @property {boolean} [flag]  takes no value: sets `value` (true unless given)
 * @property {unknown} [value]  what a flag sets (e.g. false for --no-build)
 * @property {boolean} [repeat]  every use adds to an array instead of replacing
 * @property {(text: string, name: string) => unknown} [parse]  turns the text into the value
 *   (an array from it is spread into a repeated option); throws a TypeError for a bad value
 */

/**
 * @typedef {object} ParseSpec
 * @property {Record<string, OptionSpec>} options  by name, with its dashes: '--n8n'
 * @property {Record<string, any>} [defaults]  the result before any argument is read
 * @property {'error' | 'passthrough' | 'positional'} [unknown]  what happens to an argument
 *   that is no option here: a TypeError `unknown option …` (the default), kept in `passthrough`
 *   (for `node --test`), or kept in `positional` when it does not start with `-`
 */

/**
 * Reads `argv` against `spec`. The result holds the defaults, the options given, `help: true`
 * for --help or -h, and `passthrough` / `positional` when the spec keeps unknown arguments.
 * @param {readonly string[]} argv
 * @param {ParseSpec} spec
 * @returns {Record<string, any>}
 */
function parseArgs(argv, spec) {
	/** @type {Record<string, any>} */
	const out = structuredClone(spec.defaults ?? {});
	const unknown = spec.unknown ?? 'error';
	if (unknown !== 'error') out[unknown] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			out.help = true;
			continue;
		}
		const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
		const name = eq === -1 ? arg : arg.slice(0, eq);
		const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
		if (!option) {
			if (unknown === 'passthrough' || (unknown === 'positional' && !arg.startsWith('-')))
				out[unknown].push(arg);
			else throw new TypeError(`unknown option ${name}`);
			continue;
		}
		if (option.flag) {
			if (eq !== -1) throw new TypeError(`${name} takes no value`);
			out[option.key] = 'value' in option ? option.value : true;
			continue;
		}
		let text;
		if (eq !== -1) text = arg.slice(eq + 1);
		else if (i + 1 < argv.length) text = argv[++i];
		else throw new TypeError(`${name} needs a value`);
		const value = option.parse ? option.parse(text, name) : text;
		if (!option.repeat) out[option.key] = value;
		else if (Array.isArray(value)) out[option.key].push(...value);
		else out[option.key].push(value);
	}
	return out;
}

/**
 * A parse function for a number from `min` to `max` (whole when `integer`, rounded down as the
 * bench always did).
 * @param {number} min
 * @param {number} max
 * @param {{ integer?: boolean }} [opts]
 * @returns {(text: string, name: string) => number}
 */
function number(min, max, { integer = false } = {}) {
	return (text, name) => {
		const v = Number(text);
		if (!Number.isFinite(v) || v < min || v > max)
			throw new TypeError(`${name} must be a number from ${min} to ${max}`);
		return integer ? Math.floor(v) : v;
	};
}

/**
 * A parse function for a comma-separated list; `item` checks and converts each entry.
 * @template T
 * @param {(text: string, name: string) => T} [item]
 * @returns {(text: string, name: string) => T[]}
 */
function list(item) {
	return (text, name) =>
		String(text)
			.split(',')
			.filter(Boolean)
			.map((v) => (item ? item(v, name) : /** @type {T} */ (/** @type {unknown} */ (v))));
}

/**
 * The usage text a script keeps as its header comment: the `//` lines after the shebang and
 * 'use strict', without the comment marks (what `--help` prints for the scripts without a USAGE).
 * @param {string} file  the script's own path (__filename)
 * @returns {string}
 */
function headerUsage(file) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	let start = 0;
	while (start < lines.length && !lines[start].startsWith('//')) start++;
	let end = start;
	while (end < lines.length && lines[end].startsWith('//')) end++;
	return `${lines
		.slice(start, end)
		.map((l) => l.replace(/^\/\/ ?/, ''))
		.join('\n')}\n`;
}

module.exports = { parseArgs, number, list, headerUsage };
