/** Longest id we put into a URL; Jelou ids are short (ObjectIds, UUIDs), proxies cap URL length. */
export const MAX_ID_LENGTH = 1000;

/** Parses an absolute URL; undefined when it is not one. */
export function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * The base URL to use (the fallback when the value is blank), trimmed and without trailing
 * slashes so `${base}/${path}` never has `//`; or the reason it cannot be one. The caller raises:
 * it knows which field of which credential the value came from.
 */
export function checkBaseUrl(
	value: unknown,
	fallback: string,
): { url: string } | { problem: string } {
	const raw = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	const parsed = parseUrl(raw);
	if (!parsed) return { problem: 'is not a valid URL' };
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return { problem: 'must start with https://' };
	}
	return { url: raw.replace(/\/+$/, '') };
}

/**
 * Encodes one path segment. encodeURIComponent covers `/`, `?`, `#` and `%`; dots need care
 * because URL parsers resolve a segment of `.` or `..` (also written `%2E`) as a relative step,
 * so callers must reject those ids first (see `checkId`).
 */
export function encodePathSegment(segment: string): string {
	return encodeURIComponent(segment);
}

/** Returns the cleaned id, or the reason it cannot be used in a URL. */
export function checkId(value: unknown): { id: string } | { problem: string } {
	if (value === undefined || value === null) return { problem: 'is empty' };
	if (typeof value === 'object') return { problem: 'must be text, not an object or a list' };
	const id = String(value).trim();
	if (id === '') return { problem: 'is empty' };
	if (id === '.' || id === '..') return { problem: `cannot be "${id}"` };
	if (id.length > MAX_ID_LENGTH) {
		return { problem: `is too long (${id.length} characters; at most ${MAX_ID_LENGTH})` };
	}
	// A newline or NUL inside an id is a mistake in the data, not part of an id, and would
	// otherwise be sent percent-encoded without warning.
	if (hasControlCharacter(id)) return { problem: 'contains control characters' };
	try {
		encodeURIComponent(id);
	} catch {
		return { problem: 'contains invalid Unicode (an unpaired surrogate)' };
	}
	return { id };
}

/** C0 controls, DEL and the C1 controls (U+0080 to U+009F, e.g. NEL from a mis-decoded file). */
function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}
