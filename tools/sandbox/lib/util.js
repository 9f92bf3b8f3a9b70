'use strict';

// Small helpers shared by the sandbox's modules (no state here).

const crypto = require('node:crypto');

function isPlainObject(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isNonEmptyString(v) {
	return typeof v === 'string' && v.trim() !== '';
}

/** Constant-time string comparison (hashing first hides the lengths). */
function safeEqual(a, b) {
	const ha = crypto.createHash('sha256').update(String(a)).digest();
	const hb = crypto.createHash('sha256').update(String(b)).digest();
	return crypto.timingSafeEqual(ha, hb);
}

function hmacHex(secret, body) {
	return crypto.createHmac('sha256', secret).update(body).digest('hex');
}

function randomHex(bytes) {
	return crypto.randomBytes(bytes).toString('hex');
}

function redactHeaders(headers) {
	const out = {};
	for (const name of Object.keys(headers)) {
		const value = headers[name];
		if (name === 'authorization' || name === 'proxy-authorization') {
			const scheme = String(value).trim().split(/\s+/)[0];
			out[name] = scheme && scheme !== String(value).trim() ? `${scheme} [redacted]` : '[redacted]';
		} else if (name === 'x-api-key' || name === 'cookie') {
			out[name] = '[redacted]';
		} else {
			out[name] = value;
		}
	}
	return out;
}

/** Push onto a capped log; trims the oldest ~10% in one splice so the cost stays amortized O(1). */
function pushCapped(list, item, max) {
	list.push(item);
	if (list.length > max) list.splice(0, Math.max(list.length - max, Math.ceil(max / 10)));
}

/** https://, or http:// on a loopback name: the webhook URLs the sandbox accepts for an integration. */
function isAllowedWebhookUrl(value) {
	if (!isNonEmptyString(value)) return false;
	let u;
	try {
		u = new URL(value);
	} catch {
		return false;
	}
	if (u.protocol === 'https:') return u.hostname !== '';
	if (u.protocol === 'http:') {
		const h = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
		return h === 'localhost' || h === '127.0.0.1' || h === '::1';
	}
	return false;
}

function isHttpsUrl(value) {
	if (!isNonEmptyString(value)) return false;
	try {
		const u = new URL(value);
		return u.protocol === 'https:' && u.hostname !== '';
	} catch {
		return false;
	}
}

/**
 * `value` (a number, or a string of one) when it lies in the range, else a TypeError naming `name`.
 * @param {string} name
 * @param {unknown} value
 * @param {{ min: number, max?: number, integer?: boolean }} range
 * @returns {number}
 */
function checkNumber(name, value, { min, max, integer }) {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < min || (max !== undefined && n > max)) {
		throw new TypeError(
			`${name} must be a number${max !== undefined ? ` between ${min} and ${max}` : ` >= ${min}`}`,
		);
	}
	return integer ? Math.floor(n) : n;
}

function pick(obj, keys) {
	const out = {};
	for (const k of keys) if (obj && obj[k] !== undefined) out[k] = obj[k];
	return out;
}

/** An error the control routes turn into `{ error: message }` with this HTTP status. */
function httpError(status, message) {
	return Object.assign(new Error(message), { httpStatus: status });
}

module.exports = {
	isPlainObject,
	isNonEmptyString,
	safeEqual,
	hmacHex,
	randomHex,
	redactHeaders,
	pushCapped,
	isAllowedWebhookUrl,
	isHttpsUrl,
	checkNumber,
	pick,
	httpError,
};
