import type { ParsedBody } from '../types';

/**
 * Reads a body n8n handed over: JSON it already parsed, or a string or Buffer it could not parse.
 * A UTF-8 byte order mark is not part of the JSON (a signature still covers the raw bytes).
 */
export function parseBody(body: unknown): ParsedBody {
	if (body === undefined || body === null) return { kind: 'empty' };
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	if (typeof body !== 'string') return { kind: 'json', value: body };
	if (body.trim() === '') return { kind: 'empty' };
	try {
		return { kind: 'json', value: JSON.parse(body.replace(/^\uFEFF/, '')) };
	} catch {
		return { kind: 'text', text: body };
	}
}
