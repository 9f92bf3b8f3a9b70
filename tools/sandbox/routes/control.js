'use strict';

// /__sandbox/...: control routes for tests and demos. No auth, never delayed, limited or
// faulted, not logged. Bad input throws (httpError / TypeError); the HTTP layer answers 4xx.

const { isPlainObject, httpError } = require('../lib/util');
const { jsonAnswer } = require('../lib/answers');
const { sandboxIntegrationView } = require('../lib/state');
const { emit } = require('../lib/emit');

function readObject(bodyBuf) {
	const text = bodyBuf.toString('utf8');
	if (text.trim() === '') return {};
	let v;
	try {
		v = JSON.parse(text);
	} catch {
		throw httpError(400, 'body is not valid JSON');
	}
	if (!isPlainObject(v)) throw httpError(400, 'body must be a JSON object');
	return v;
}

/** `ctx.sb` is the public object (urls); `ctx.configure` / `ctx.reset` / `ctx.setIntegration` its methods. */
async function routeControl(ctx, method, rawPath, query, bodyBuf) {
	const sub = rawPath.slice('/__sandbox'.length) || '/';
	const json = (status, obj) => jsonAnswer(status, obj);
	const clear = (list) => {
		const cleared = list.length;
		list.length = 0;
		return json(200, { cleared });
	};
	const integ = () => ctx.state.integrationOf(ctx.projectId);
	switch (`${method} ${sub}`) {
		case 'GET /health':
			return json(200, {
				status: 'ok',
				url: ctx.sb.url,
				baseUrl: ctx.sb.baseUrl,
				messagingBaseUrl: ctx.sb.messagingBaseUrl,
				apiBaseUrl: ctx.sb.apiBaseUrl,
				projectId: ctx.projectId,
				requestsLogged: ctx.requests.length,
				integration: integ() !== null,
			});
		case 'GET /requests': {
			const limit = Number(new URLSearchParams(query).get('limit'));
			return json(
				200,
				Number.isInteger(limit) && limit > 0 ? ctx.requests.slice(-limit) : ctx.requests,
			);
		}
		case 'DELETE /requests':
			return clear(ctx.requests);
		case 'GET /config':
			return json(200, { ...ctx.runtime });
		case 'POST /config':
			return json(200, ctx.configure(readObject(bodyBuf)));
		case 'POST /reset': {
			const body = readObject(bodyBuf);
			ctx.reset();
			if (body.data === true) ctx.state.resetData();
			return json(200, { reset: true, data: body.data === true, config: { ...ctx.runtime } });
		}
		case 'POST /emit':
			return json(200, await emit(ctx, readObject(bodyBuf)));
		case 'GET /webhooks':
			return json(200, ctx.webhookDeliveries);
		case 'DELETE /webhooks':
			return clear(ctx.webhookDeliveries);
		case 'GET /messages':
			return json(200, ctx.sentMessages);
		case 'DELETE /messages':
			return clear(ctx.sentMessages);
		case 'GET /integration':
			return integ()
				? json(200, sandboxIntegrationView(integ()))
				: json(404, { error: 'no integration' });
		case 'POST /integration': {
			const spec = readObject(bodyBuf);
			try {
				return json(200, sandboxIntegrationView(ctx.state.seedIntegration(spec)));
			} catch (err) {
				throw httpError(400, err.message);
			}
		}
		case 'DELETE /integration':
			ctx.state.deleteIntegration(ctx.projectId);
			return json(200, { deleted: true });
		default:
			return json(404, { error: `unknown sandbox control route ${method} /__sandbox${sub}` });
	}
}

module.exports = { routeControl };
