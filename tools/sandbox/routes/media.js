'use strict';

// GET /media/<name>: the files of the sandbox's media messages (lib/media.js). Like a storage
// host, it needs no authentication; the request log shows which headers reached it (a media
// download must carry none of Jelou's credentials).

const { methodNotAllowed, routeNotFound, rawAnswer } = require('../lib/answers');
const { mediaAnswer } = require('../lib/media');

function routeMedia(method, name) {
	if (method !== 'GET') return methodNotAllowed(['GET']);
	let decoded;
	try {
		decoded = decodeURIComponent(name);
	} catch {
		return routeNotFound(method);
	}
	const file = mediaAnswer(decoded);
	if (!file) return rawAnswer(404, 'text/plain', 'Not Found');
	return rawAnswer(file.status, file.headers['content-type'], file.body);
}

module.exports = { routeMedia };
