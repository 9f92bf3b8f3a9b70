import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** `displayOptions.show` of a field: parameter name → values for which it is shown. */
export type Show = Record<string, Array<string | boolean>>;

/** A notice in the editor (n8n's `notice` type) shown for one operation. */
export function noticeField(name: string, text: string, show: Show): INodeProperties {
	return { displayName: text, name, type: 'notice', default: '', displayOptions: { show } };
}

/** How Jelou authenticates itself to the webhook (`authType`): Integration Create and Update. */
export const WEBHOOK_AUTH_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Bearer Token',
		value: 'bearer',
		description: 'Jelou sends the secret as a bearer token in the Authorization header',
	},
	{
		name: 'API Key',
		value: 'api_key',
		description: 'Jelou sends the secret in the X-API-Key header',
	},
	{ name: 'Basic', value: 'basic', description: 'Authorization: Basic, from user:password' },
	{ name: 'None', value: 'no_auth', description: 'Only the signature' },
];

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

/** The Bot ID and User ID fields of an operation on one user's conversation with one bot. */
export function botAndUserFields(
	show: Show,
	botDescription: string,
	userDescription: string,
): INodeProperties[] {
	return [
		requiredIdField('botId', 'Bot ID', botDescription, show, 'e.g. 6f0c…'),
		requiredIdField('userId', 'User ID', userDescription, show, 'e.g. 593987654321'),
	];
}

/** A message text for the end user or the agent: a few rows tall, sent as written. */
export function messageTextField(
	name: string,
	displayName: string,
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description,
		...extra,
	};
}

/** The "Additional Fields" collection of one operation. */
export function additionalFields(show: Show, options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options,
	};
}

/** The "Options" collection of a node, shown for every operation. */
export function nodeOptions(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
