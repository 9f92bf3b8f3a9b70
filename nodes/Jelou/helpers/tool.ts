import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';

/**
 * The node as a tool of n8n's AI Agent. From `usableAsTool` n8n builds a second node type whose
 * name ends in "Tool" (`n8n-nodes-jelou.jelouTool`); n8n-workflow's `@tool` display condition is
 * true exactly for that type, on n8n 1.x and 2.x alike. Whatever the tool returns goes to the
 * model provider.
 */

/** Whether this run is the tool variant (n8n names it after the node, with "Tool" appended). */
export function isToolNode(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/**
 * The given properties, hidden in the tool variant (shown only where `@tool` is false). Used for
 * what a model must never run: the Integration operations (Create answers with the signing
 * secret).
 */
export function notInTool(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, '@tool': [false] },
		},
	}));
}

/** The given property, shown only in the tool variant. */
export function onlyInTool(property: INodeProperties): INodeProperties {
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, '@tool': [true] },
		},
	};
}

/**
 * What a failed item returns in the tool variant: the message and the hint, as two short strings
 * a model can read. The tool does not throw: when a tool node throws, n8n 1.x stops the whole
 * execution, and both lines hand the model only the error's message, dropping the hint.
 */
export function toolErrorResult(error: { message: string; description?: string | null }): {
	error: string;
	hint?: string;
} {
	const result: { error: string; hint?: string } = { error: error.message };
	if (typeof error.description === 'string' && error.description.trim() !== '') {
		result.hint = error.description;
	}
	return result;
}

/**
 * The output object with every string (keys included) passed through `redact`, walked value by
 * value so that a secret is found however JSON would escape it. Objects in which nothing changed
 * are returned as they are (no copy for the usual answer without secrets).
 */
export function redactDeep(value: IDataObject, redact: (text: string) => string): IDataObject {
	const walk = (current: unknown): unknown => {
		if (typeof current === 'string') return redact(current);
		if (Array.isArray(current)) {
			const items = current.map(walk);
			return items.some((item, index) => item !== current[index]) ? items : current;
		}
		if (current !== null && typeof current === 'object') {
			let changed = false;
			const copy: Record<string, unknown> = {};
			for (const [key, inner] of Object.entries(current)) {
				const safeKey = redact(key);
				const safeValue = walk(inner);
				changed ||= safeKey !== key || safeValue !== inner;
				copy[safeKey] = safeValue;
			}
			return changed ? copy : current;
		}
		return current;
	};
	return walk(value) as IDataObject;
}
