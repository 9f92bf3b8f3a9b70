/**
 * A value Jelou sent where text is expected, as text: a non-blank string as it is, a finite number
 * written out; anything else (absent, blank, an object) is undefined. Read defensively because
 * Jelou's docs show placeholders rather than guaranteed types.
 */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}
