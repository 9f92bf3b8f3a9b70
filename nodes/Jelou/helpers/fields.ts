import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** `displayOptions.show` of a field: parameter name → values for which it is shown. */
export type Show = Record<string, Array<string | boolean>>;

/** The Project ID field, shown for every operation of the given resources. */
export function projectIdField(
	show: Show,
	description = 'ID of your Jelou project (Jelou → Settings → Project)',
): INodeProperties {
	return {
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1a2b3c4d',
		description,
		displayOptions: { show },
	};
}

/** A required id field (Bot ID, User ID, …) shown for one operation. */
export function requiredIdField(
	name: string,
	displayName: string,
	description: string,
	show: Show,
	placeholder?: string,
): INodeProperties {
	const field: INodeProperties = {
		displayName,
		name,
		type: 'string',
		required: true,
		default: '',
		description,
		displayOptions: { show },
	};
	if (placeholder) field.placeholder = placeholder;
	return field;
}

/** The Operation picker of one resource. */
export function operationPicker(
	resource: string,
	options: INodePropertyOptions[],
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

/**
 * A collection of optional fields: "Additional Fields" of an operation, or the "Options" of a
 * node. Shown always when `show` is absent.
 */
export function optionalFields(
	kind: 'Additional Fields' | 'Options',
	options: INodeProperties[],
	show?: Show,
): INodeProperties {
	const collection: INodeProperties = {
		displayName: kind,
		name: kind === 'Options' ? 'options' : 'additionalFields',
		type: 'collection',
		placeholder: kind === 'Options' ? 'Add Option' : 'Add Field',
		default: {},
		options,
	};
	if (show) collection.displayOptions = { show };
	return collection;
}
