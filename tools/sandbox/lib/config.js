'use strict';

// The sandbox's options: defaults, and the settings that may change at runtime
// (configure(), POST /__sandbox/config, CLI flags and env vars), validated in one place.

const { isPlainObject, checkNumber } = require('./util');

const HOST = '127.0.0.1';
const RETRY_AFTER_MODES = ['seconds', 'date', 'none'];
// How integration endpoints answer: Jelou's docs show both on every integration page.
const INTEGRATION_SHAPES = ['envelope', 'bare'];
// Statuses errorRate may inject; 429 comes with the Retry-After of `retryAfterMode`.
const FAULT_STATUS_CHOICES = [429, 500, 502, 503];

const DEFAULTS = Object.freeze({
	port: 0,
	apiKey: 'sandbox-api-key',
	clientId: 'sandbox-client',
	clientSecret: 'sandbox-secret',
	projectId: 'demo-project',
	latencyMs: 0,
	rateLimit: 0,
	errorRate: 0,
	faultStatuses: Object.freeze([500, 502, 503]),
	retryAfterMode: 'seconds',
	integrationShape: 'envelope',
	quiet: true,
	maxRequestLog: 100000,
	webhookTimeoutMs: 10000,
});

/** Settings that configure() / POST /__sandbox/config may change at runtime. */
const RUNTIME_KEYS = [
	'latencyMs',
	'rateLimit',
	'errorRate',
	'faultStatuses',
	'retryAfterMode',
	'integrationShape',
	'quiet',
	'webhookTimeoutMs',
];

/** Validates runtime settings; throws TypeError with a clear message on a bad one. */
function normalizeRuntime(input, { rejectUnknown }) {
	if (!isPlainObject(input)) throw new TypeError('configuration must be an object');
	const out = {};
	for (const key of Object.keys(input)) {
		const value = input[key];
		if (value === undefined) continue;
		switch (key) {
			case 'latencyMs':
				out.latencyMs = checkNumber('latencyMs', value, { min: 0, max: 600000 });
				break;
			case 'rateLimit':
				out.rateLimit = checkNumber('rateLimit', value, { min: 0, max: 10000000, integer: true });
				break;
			case 'errorRate':
				out.errorRate = checkNumber('errorRate', value, { min: 0, max: 1 });
				break;
			case 'faultStatuses':
				if (
					!Array.isArray(value) ||
					value.length === 0 ||
					!value.every((s) => FAULT_STATUS_CHOICES.includes(s))
				)
					throw new TypeError(
						`faultStatuses must be a non-empty list of ${FAULT_STATUS_CHOICES.join(', ')}`,
					);
				out.faultStatuses = [...value];
				break;
			case 'retryAfterMode':
				if (!RETRY_AFTER_MODES.includes(value))
					throw new TypeError(`retryAfterMode must be one of ${RETRY_AFTER_MODES.join(', ')}`);
				out.retryAfterMode = value;
				break;
			case 'integrationShape':
				if (!INTEGRATION_SHAPES.includes(value))
					throw new TypeError(`integrationShape must be one of ${INTEGRATION_SHAPES.join(', ')}`);
				out.integrationShape = value;
				break;
			case 'quiet':
				if (typeof value !== 'boolean') throw new TypeError('quiet must be a boolean');
				out.quiet = value;
				break;
			case 'webhookTimeoutMs':
				out.webhookTimeoutMs = checkNumber('webhookTimeoutMs', value, { min: 1, max: 600000 });
				break;
			default:
				if (rejectUnknown)
					throw new TypeError(`unknown setting "${key}"; allowed: ${RUNTIME_KEYS.join(', ')}`);
		}
	}
	return out;
}

module.exports = {
	HOST,
	RETRY_AFTER_MODES,
	INTEGRATION_SHAPES,
	FAULT_STATUS_CHOICES,
	DEFAULTS,
	RUNTIME_KEYS,
	normalizeRuntime,
};
