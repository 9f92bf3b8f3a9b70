'use strict';

// Authentication of /jelouapi/v1: `x-api-key: <apiKey>` or `Authorization: Basic base64(id:secret)`.

const { safeEqual } = require('../lib/util');
const { apiError } = require('../lib/answers');

/** 'api_key' | 'basic' | 'invalid' (something was sent, nothing matched) | 'none'. */
function authenticate(opts, headers) {
	const apiKey = headers['x-api-key'];
	const authz = headers.authorization;
	let presented = false;
	if (typeof apiKey === 'string' && apiKey !== '') {
		presented = true;
		if (safeEqual(apiKey, opts.apiKey)) return 'api_key';
	}
	if (typeof authz === 'string' && authz !== '') {
		presented = true;
		const m = /^basic\s+(\S+)\s*$/i.exec(authz);
		if (m) {
			const decoded = Buffer.from(m[1], 'base64').toString('utf8');
			if (safeEqual(decoded, `${opts.clientId}:${opts.clientSecret}`)) return 'basic';
		}
	}
	return presented ? 'invalid' : 'none';
}

function unauthorized(kind) {
	const description =
		kind === 'none'
			? 'Invalid credentials: no credentials were sent. Send the header x-api-key: <project API key> or Authorization: Basic base64(clientId:clientSecret).'
			: 'Invalid credentials: the API key or the client id/secret is not valid for this project.';
	return apiError(401, 'UNAUTHORIZED', 'invalid_credentials', description);
}

module.exports = { authenticate, unauthorized };
