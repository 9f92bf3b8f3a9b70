'use strict';
// The reference client: N GETs of gen-0 … gen-(n-1) with plain node:http and a keep-alive agent,
// at most `concurrency` in flight, each body parsed as JSON. Resolves the conversations in order.

const http = require('node:http');

/** Runs fn(i) for i in [0, count) with at most `limit` in flight. */
async function pool(count, limit, fn) {
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = next++;
			await fn(i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** `keepAlive: false` opens a new connection for every request, as n8n's httpRequest does. */
async function plainLoop({ baseUrl, apiKey, projectId, n, concurrency, keepAlive = true }) {
	const agent = new http.Agent({ keepAlive, maxSockets: concurrency });
	const prefix = `${baseUrl}/external-support/${encodeURIComponent(projectId)}/conversations/`;
	const results = new Array(n);
	const get = (url) =>
		new Promise((resolve, reject) => {
			const req = http.get(
				url,
				{ agent, headers: { Accept: 'application/json', 'x-api-key': apiKey } },
				(res) => {
					const chunks = [];
					res.on('data', (c) => chunks.push(c));
					res.on('end', () => {
						if (res.statusCode !== 200)
							return reject(new Error(`HTTP ${res.statusCode} for ${url}`));
						try {
							resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
						} catch (error) {
							reject(error);
						}
					});
					res.on('error', reject);
				},
			);
			req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
			req.on('error', reject);
		});
	try {
		await pool(n, concurrency, async (i) => {
			results[i] = (await get(prefix + encodeURIComponent(`gen-${i}`))).data;
		});
	} finally {
		agent.destroy();
	}
	return results;
}

module.exports = { pool, plainLoop };
