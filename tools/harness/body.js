'use strict';
// Reading an HTTP message's body, for the rig's clients and stand-in servers (harness/n8n.js's
// httpRequest, harness/capture.js, the sandbox tests' raw requests).

/**
 * Reads a request or a response to its end: the exact bytes, the body as text, and as JSON when
 * it parses (undefined otherwise).
 * @param {import('node:stream').Readable} stream
 * @returns {Promise<{ bytes: Buffer, text: string, json: any }>}
 */
function readBody(stream) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		stream.on('data', (c) => chunks.push(c));
		stream.on('error', reject);
		stream.on('end', () => {
			const bytes = Buffer.concat(chunks);
			const text = bytes.toString('utf8');
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				/* not JSON */
			}
			resolve({ bytes, text, json });
		});
	});
}

module.exports = { readBody };
