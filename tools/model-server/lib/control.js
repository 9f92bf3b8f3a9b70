'use strict';

// /__model/...: control routes for tests (no auth, not logged). Scripts can also be given to
// startModelServer() and set through its return value.

/** Answers a control request; `server` is the object startModelServer() resolves. */
function routeControl(server, method, path, body) {
	const sub = path.slice('/__model'.length) || '/';
	const scriptName = /^\/scripts\/([^/]+)$/.exec(sub);
	if (method === 'PUT' && scriptName) {
		const name = decodeURIComponent(scriptName[1]);
		server.setScript(name, body);
		return [200, { name, steps: server.scripts.get(name).steps.length }];
	}
	switch (`${method} ${sub}`) {
		case 'GET /health':
			return [
				200,
				{
					status: 'ok',
					url: server.url,
					baseUrl: server.baseUrl,
					requestsLogged: server.requests.length,
				},
			];
		case 'GET /requests':
			return [200, server.requests];
		case 'DELETE /requests': {
			const cleared = server.requests.length;
			server.requests.length = 0;
			return [200, { cleared }];
		}
		case 'GET /scripts':
			return [200, Object.fromEntries(server.scripts)];
		case 'DELETE /scripts': {
			const cleared = server.scripts.size;
			server.scripts.clear();
			return [200, { cleared }];
		}
		default:
			return [404, { error: `unknown control route ${method} /__model${sub}` }];
	}
}

module.exports = { routeControl };
