'use strict';

// Prepared HTTP answers: Jelou's success envelope and error body, and the plain JSON/raw forms.

const MAX_BODY_BYTES = 1024 * 1024;

const HTML_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
	'<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function errorBody(code, key, description, validationError) {
	return {
		message: description,
		statusMessage: 'error',
		status: 0,
		error: { code, key, description, developerMessages: {}, clientMessages: {} },
		validationError: validationError || {},
	};
}

function successBody(message, data, includeData = true) {
	const body = { message: [message], statusMessage: 'success', status: 1 };
	if (includeData) body.data = data;
	return body;
}

/** A prepared answer: serialized immediately so later state changes cannot leak into it. */
function jsonAnswer(status, obj, headers) {
	return {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...(headers || {}) },
		body: JSON.stringify(obj),
	};
}

function rawAnswer(status, contentType, body, headers) {
	return { status, headers: { 'content-type': contentType, ...(headers || {}) }, body };
}

function apiError(status, code, key, description, validationError, headers) {
	return jsonAnswer(status, errorBody(code, key, description, validationError), headers);
}

function validationFailed(validationError, status = 422) {
	const fields = Object.keys(validationError);
	return apiError(
		status,
		'VALIDATION_ERROR',
		'validation_error',
		`Validation failed: ${fields.join(', ')}`,
		validationError,
	);
}

function routeNotFound(method) {
	return apiError(
		404,
		'NOT_FOUND',
		'route_not_found',
		`No route for ${method} on this path in the Jelou sandbox.`,
	);
}

function methodNotAllowed(allowed) {
	return apiError(
		405,
		'METHOD_NOT_ALLOWED',
		'method_not_allowed',
		`Method not allowed; use ${allowed.join(' or ')}.`,
		{},
		{
			allow: allowed.join(', '),
		},
	);
}

function projectNotFound(id) {
	return apiError(404, 'NOT_FOUND', 'project_not_found', `Project "${id}" not found.`);
}

function internalError() {
	return apiError(500, 'INTERNAL_SERVER_ERROR', 'internal_error', 'Unexpected sandbox error.');
}

module.exports = {
	MAX_BODY_BYTES,
	HTML_502,
	errorBody,
	successBody,
	jsonAnswer,
	rawAnswer,
	apiError,
	validationFailed,
	routeNotFound,
	methodNotAllowed,
	projectNotFound,
	internalError,
};
