/**
 * A body as received, whoever received it: an answer to our request, or an event posted to the
 * trigger. n8n hands over parsed JSON, a string, or a Buffer, depending on the content.
 */
export type ParsedBody =
	{ kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

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
