// Reporter for `node --test` (used by the npm scripts): on a terminal, node's own `spec`
// reporter; otherwise (CI, a pipe, a log file) one character per test, what test files print
// themselves, the failures in full, and one closing summary line: "tests 70 | pass 70 | fail 0 | cancelled 0 | skipped 0 | todo 0 | …".
//   node --test --test-reporter=./scripts/node-test-reporter.mjs <files>
import { spec } from 'node:test/reporters';
import { inspect } from 'node:util';

const SUMMARY_KEYS = [
	'tests',
	'suites',
	'pass',
	'fail',
	'cancelled',
	'skipped',
	'todo',
	'duration_ms',
];

export default async function* report(source) {
	if (process.stdout.isTTY && !process.env.CI) {
		yield* source.pipe(new spec());
		return;
	}
	const failures = [];
	const summary = new Map();
	const other = [];
	let column = 0;
	for await (const { type, data } of source) {
		if ((type === 'test:pass' || type === 'test:fail') && data.details?.type !== 'suite') {
			const mark =
				type === 'test:fail'
					? 'X'
					: data.skip !== undefined
						? 's'
						: data.todo !== undefined
							? 't'
							: '.';
			if (type === 'test:fail' && data.todo === undefined) failures.push(data);
			column += 1;
			yield column % 80 === 0 ? `${mark}\n` : mark;
		} else if (
			type === 'test:fail' &&
			data.details?.type === 'suite' &&
			!(data.details.error?.failureType === 'subtestsFailed')
		) {
			failures.push(data); // a hook of the suite failed
		} else if (type === 'test:diagnostic' && data.nesting === 0) {
			const m = /^(\w+) (\S+)$/.exec(data.message);
			if (m && SUMMARY_KEYS.includes(m[1])) summary.set(m[1], m[2]);
			else other.push(data.message);
		} else if (type === 'test:stderr' || type === 'test:stdout') {
			// What a test file prints itself (progress of the e2e suites, a crash before the first
			// test) is shown as it comes, on lines of its own.
			const text = String(data.message ?? '').trimEnd();
			if (text && !text.startsWith('TAP version')) {
				yield `${column % 80 !== 0 ? '\n' : ''}${text}\n`;
				column = 0;
			}
		}
	}
	if (column % 80 !== 0) yield '\n';
	for (const f of failures) {
		const err = f.details?.error;
		const cause = err?.cause ?? err;
		const where = f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : '';
		yield `\nFAIL ${f.name}${where}\n${indent(cause instanceof Error ? (cause.stack ?? cause.message) : inspect(cause, { depth: 4 }))}\n`;
	}
	if (failures.length && other.length) yield `\n${other.join('\n')}\n`;
	const line = SUMMARY_KEYS.filter((k) => summary.has(k))
		.map((k) => `${k} ${summary.get(k)}`)
		.join(' | ');
	yield `${line || 'no summary (the test run did not finish)'}\n`;
}

function indent(text) {
	return String(text)
		.split('\n')
		.map((l) => `    ${l}`)
		.join('\n');
}
