import type { INodeProperties } from 'n8n-workflow';

/** The Project ID field, shown for every operation of the given resources. */
export function projectIdField(resources: string[]): INodeProperties {
	return {
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1a2b3c4d',
		description: 'ID of your Jelou project (Jelou → Settings → Project)',
		displayOptions: { show: { resource: resources } },
	};
}

type Show = Record<string, string[]>;

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
