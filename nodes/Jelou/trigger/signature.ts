import { createHash, timingSafeEqual } from 'crypto';

import { signBody } from '../../../shared/signing';

/** Header Jelou signs every event with: `X-Jelou-Signature: sha256=<hex digest>` (Node lowercases names). */
export const SIGNATURE_HEADER = 'x-jelou-signature';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

export type SignatureResult = 'valid' | 'missing' | 'invalid';

/** The first value of a header that may have been sent more than once. */
export function headerText(value: unknown): string | undefined {
	if (Array.isArray(value)) return headerText(value[0]);
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	return text === '' ? undefined : text;
}

/**
 * The digest bytes of `sha256=<hex>`. A bare 64-character hex digest is accepted too (inferred:
 * the docs always show the prefix, but accepting it costs nothing in safety since the digest
 * still has to match). Anything else is not a signature.
 */
export function parseSignature(value: unknown): Buffer | undefined {
	const text = headerText(value);
	if (text === undefined) return undefined;
	const hex = /^sha256=/i.test(text) ? text.slice('sha256='.length).trim() : text;
	return SHA256_HEX.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** Constant-time comparison of two digests; different lengths never match. */
function sameDigest(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks `X-Jelou-Signature` against the body.
 *
 * The exact bytes received are tried first: that is what a sender signs when it serializes once.
 * Jelou's own verification sample, though, recomputes the HMAC over `JSON.stringify(parsedBody)`,
 * so a body Jelou re-serialized differently from what went on the wire (spacing, key order, escaped
 * characters) is also accepted when its signature matches that form.
 */
export function verifySignature(
	secret: string,
	headerValue: unknown,
	rawBody: Buffer | undefined,
	parsedBody: unknown,
): SignatureResult {
	if (headerText(headerValue) === undefined) return 'missing';
	const received = parseSignature(headerValue);
	if (!received) return 'invalid';

	const candidates: Array<string | Buffer> = [];
	if (rawBody !== undefined) candidates.push(rawBody);
	if (parsedBody !== undefined) candidates.push(JSON.stringify(parsedBody));
	for (const candidate of candidates) {
		const expected = Buffer.from(signBody(secret, candidate), 'hex');
		if (sameDigest(expected, received)) return 'valid';
	}
	return 'invalid';
}

/**
 * Constant-time equality of two secrets. Both sides are hashed first so that the comparison runs
 * over equal lengths and does not reveal the length of the expected value.
 */
export function sameSecret(received: string, expected: string): boolean {
	const a = createHash('sha256').update(received, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return sameDigest(a, b);
}

/**
 * Whether the request carries `expected` the way Jelou sends an integration's `authorization`:
 * `Authorization: Bearer <value>` (bearer), `X-API-Key: <value>` (api_key) or
 * `Authorization: Basic <…>` (basic). For Basic the value may be given as `user:password` or already
 * Base64-encoded: Jelou does not document which of the two it expects in `authorization` (inferred).
 */
export function hasExpectedAuthorization(
	headers: Record<string, unknown>,
	expected: string,
): boolean {
	const authorization = headerText(headers.authorization);
	const apiKey = headerText(headers['x-api-key']);
	let matched = false;
	// Every comparison runs, so the time taken does not depend on which scheme matched.
	if (apiKey !== undefined && sameSecret(apiKey, expected)) matched = true;
	if (authorization !== undefined) {
		const [scheme, ...rest] = authorization.split(/\s+/);
		const credential = rest.join(' ');
		if (/^bearer$/i.test(scheme) && sameSecret(credential, expected)) matched = true;
		if (/^basic$/i.test(scheme)) {
			const encoded = Buffer.from(expected, 'utf8').toString('base64');
			if (sameSecret(credential, expected) || sameSecret(credential, encoded)) matched = true;
		}
	}
	return matched;
}
