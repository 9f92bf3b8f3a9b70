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
