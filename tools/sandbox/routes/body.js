'use strict';

// Reading a JSON request body the way the API routes need it.

const { isPlainObject } = require('../lib/util');
const { apiError } = require('../lib/answers');

/** `{ value }` (an empty body counts as `{}`) or `{ answer }` with Jelou's 400 error body. */
function parseJson(bodyBuf) {
	const text = bodyBuf.toString('utf8');
	if (text.trim() === '') return { value: {} };
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		return {
			answer: apiError(400, 'BAD_REQUEST', 'invalid_json', 'The request body is not valid JSON.'),
		};
	}
	if (!isPlainObject(value)) {
		return {
			answer: apiError(
				400,
				'BAD_REQUEST',
				'invalid_body',
				'The request body must be a JSON object.',
			),
		};
	}
	return { value };
}

module.exports = { parseJson };
