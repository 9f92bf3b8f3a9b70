'use strict';

// /jelouapi/v1/external-support/{projectId}: Get, Create, Update (PATCH) and Delete integration.
// Answers come in the shape `runtime.integrationShape` selects: Jelou's envelope
// `{ message, statusMessage, status: 1, data }` or the docs' bare object (see lib/state.js).

const { isNonEmptyString, isAllowedWebhookUrl } = require('../lib/util');
const {
	jsonAnswer,
	successBody,
	apiError,
	validationFailed,
	methodNotAllowed,
	projectNotFound,
} = require('../lib/answers');
const { AUTH_TYPES, envelopeIntegration, bareIntegration } = require('../lib/state');
const { parseJson } = require('./body');

const ALLOWED = ['GET', 'POST', 'PATCH', 'DELETE'];
const WEBHOOK_URL_RULE =
	'webhookUrl must be a valid https:// URL (http://127.0.0.1 and http://localhost are accepted by the sandbox)';

function notFound(pid) {
	return apiError(
		404,
		'NOT_FOUND',
		'integration_not_found',
		`No integration found for project "${pid}".`,
	);
}

function getIntegration(ctx, pid) {
	const integ = ctx.state.integrationOf(pid);
	if (!integ) return notFound(pid);
	if (ctx.runtime.integrationShape === 'bare') return jsonAnswer(200, bareIntegration(integ));
	return jsonAnswer(
		200,
		successBody('Integration retrieved successfully', envelopeIntegration(integ)),
	);
}

function createIntegration(ctx, pid, body) {
	const v = {};
	if (body.webhookUrl === undefined || body.webhookUrl === null || body.webhookUrl === '') {
		v.webhookUrl = 'webhookUrl is required';
	} else if (!isAllowedWebhookUrl(body.webhookUrl)) {
		v.webhookUrl = WEBHOOK_URL_RULE;
	}
	if (body.authType === undefined || body.authType === null || body.authType === '') {
		v.authType = `authType is required (one of ${AUTH_TYPES.join(', ')})`;
	} else if (!AUTH_TYPES.includes(body.authType)) {
		v.authType = `authType must be one of ${AUTH_TYPES.join(', ')}`;
	}
	if (body.authType !== 'no_auth') {
		if (!isNonEmptyString(body.authorization))
			v.authorization = 'authorization is required unless authType is no_auth';
	} else if (
		body.authorization !== undefined &&
		body.authorization !== null &&
		typeof body.authorization !== 'string'
	) {
		v.authorization = 'authorization must be a string';
	}
	if (Object.keys(v).length) return validationFailed(v);
	const existed = ctx.state.integrationOf(pid) !== null;
	// Creating again replaces the integration and issues a new signing secret (as Jelou does: a
	// new integration always gets a new secret).
	const integ = ctx.state.putIntegration(pid, {
		webhookUrl: body.webhookUrl,
		authType: body.authType,
		authorization: body.authorization,
	});
	const status = existed ? 200 : 201;
	if (ctx.runtime.integrationShape === 'bare') {
		return jsonAnswer(status, bareIntegration(integ, { signingSecret: true, updatedAt: false }));
	}
	return jsonAnswer(
		status,
		successBody(existed ? 'Integration updated successfully' : 'Integration created successfully', {
			...envelopeIntegration(integ),
			signingSecret: integ.signingSecret,
		}),
	);
}

/** PATCH: only the fields sent change; the signing secret never does. Bad input is a 400. */
function updateIntegration(ctx, pid, body) {
	const current = ctx.state.integrationOf(pid);
	if (!current) return notFound(pid);
	const v = {};
	const sent = ['webhookUrl', 'authType', 'authorization'].filter((k) => body[k] !== undefined);
	if (sent.length === 0) {
		return validationFailed(
			{ body: 'send at least one of webhookUrl, authType, authorization' },
			400,
		);
	}
	if (body.webhookUrl !== undefined && !isAllowedWebhookUrl(body.webhookUrl))
		v.webhookUrl = WEBHOOK_URL_RULE;
	if (body.authType !== undefined && !AUTH_TYPES.includes(body.authType))
		v.authType = `authType must be one of ${AUTH_TYPES.join(', ')}`;
	if (body.authorization !== undefined && typeof body.authorization !== 'string')
		v.authorization = 'authorization must be a string';
	if (!v.authType && !v.authorization) {
		const authType = body.authType !== undefined ? body.authType : current.authType;
		const authorization =
			body.authorization !== undefined ? body.authorization : current.authorization;
		if (authType !== 'no_auth' && !isNonEmptyString(authorization)) {
			v.authorization = `authorization is required for authType ${authType}`;
		}
	}
	if (Object.keys(v).length) return validationFailed(v, 400);
	const integ = ctx.state.patchIntegration(pid, body);
	if (ctx.runtime.integrationShape === 'bare') return jsonAnswer(200, bareIntegration(integ));
	return jsonAnswer(200, successBody('Integration updated successfully', bareIntegration(integ)));
}

/** DELETE: irreversible; the same success body (no `data`) in both shapes. */
function deleteIntegration(ctx, pid) {
	if (!ctx.state.deleteIntegration(pid)) return notFound(pid);
	return jsonAnswer(200, successBody('Integration deleted successfully', undefined, false));
}

/** Routes one request on the integration path; resolves `{ answer }`. */
function routeIntegration(ctx, method, pid, bodyBuf) {
	if (!ALLOWED.includes(method)) return { answer: methodNotAllowed(ALLOWED) };
	// Get answers 404 "no integration" for any project, as before; the others need a known project.
	if (method === 'GET') return { answer: getIntegration(ctx, pid) };
	if (pid !== ctx.projectId) return { answer: projectNotFound(pid) };
	if (method === 'DELETE') return { answer: deleteIntegration(ctx, pid) };
	const parsed = parseJson(bodyBuf);
	if (parsed.answer) return { answer: parsed.answer };
	return {
		answer:
			method === 'POST'
				? createIntegration(ctx, pid, parsed.value)
				: updateIntegration(ctx, pid, parsed.value),
	};
}

module.exports = { routeIntegration };
