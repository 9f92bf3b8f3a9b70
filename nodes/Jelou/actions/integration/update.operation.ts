import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkUrl, getIdParameter } from '../../helpers/parameters';
import type { OperationHandler } from '../runner';
import { withoutWebhookSecret } from '../../helpers/simplify';
import { WEBHOOK_AUTH_OPTIONS, noticeField } from '../../helpers/fields';

const KEEPS_SECRET_NOTICE =
	'Only the fields you add are changed. The signing secret stays the same, so your panel and the Jelou API credential keep working.';

const showFor = { resource: ['integration'], operation: ['update'] };

export const description: INodeProperties[] = [
	noticeField('updateNotice', KEEPS_SECRET_NOTICE, showFor),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: showFor },
		options: [
			{
				displayName: 'Webhook Authentication',
				name: 'webhookAuthType',
				type: 'options',
				default: 'bearer',
				description: 'How Jelou authenticates itself to your webhook, in addition to the signature',
				options: WEBHOOK_AUTH_OPTIONS,
			},
			{
				displayName: 'Webhook Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The token, key, or user:password (for Basic) that Jelou sends to your webhook',
				displayOptions: { hide: { webhookAuthType: ['no_auth'] } },
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://support.example.com/jelou/events',
				description: 'Public HTTPS address where Jelou sends conversation events from now on',
			},
		],
	},
];

interface UpdateFields {
	webhookUrl?: unknown;
	webhookAuthType?: unknown;
	webhookSecret?: unknown;
}

/** A field the user added to Update Fields must not be blank (same wording as the other fields). */
function filledIn(
	ctx: IExecuteFunctions,
	value: unknown,
	displayName: string,
	itemIndex: number,
): string {
	const text = value === null || typeof value === 'object' ? '' : String(value).trim();
	if (text === '') {
		throw new NodeOperationError(ctx.getNode(), `${displayName} is empty (item ${itemIndex})`, {
			itemIndex,
			description: `Set "${displayName}", or remove it from Update Fields to leave it unchanged.`,
		});
	}
	return text;
}

/**
 * The PATCH body: only the fields the user added, under Jelou's names (`webhookUrl`, `authType`,
 * `authorization`). Jelou documents that fields not sent keep their value.
 */
function updateBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields = ctx.getNodeParameter('updateFields', itemIndex, {}) as UpdateFields;
	const body: IDataObject = {};
	if (fields.webhookUrl !== undefined) {
		const url = filledIn(ctx, fields.webhookUrl, 'Webhook URL', itemIndex);
		// As in Create: plain http only for a local sandbox; Jelou itself requires HTTPS.
		body.webhookUrl = checkUrl(ctx, url, 'Webhook URL', itemIndex, false);
	}
	if (fields.webhookAuthType !== undefined) body.authType = String(fields.webhookAuthType);
	if (fields.webhookSecret !== undefined && body.authType !== 'no_auth') {
		body.authorization = filledIn(ctx, fields.webhookSecret, 'Webhook Secret', itemIndex);
	}
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Update Fields is empty (item ${itemIndex})`, {
			itemIndex,
			description:
				'Add at least one field to change under Update Fields: Webhook URL, Webhook Authentication or Webhook Secret. Nothing was sent to Jelou.',
		});
	}
	return body;
}

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const body = updateBody(this, itemIndex);
	const data = await transport.request<IDataObject>({
		method: 'PATCH',
		path: ['external-support', projectId],
		body,
		notFoundMessage: `Project '${projectId}' has no External Support integration`,
		bareShape: 'integration',
		// Changes where events go: resent only when Jelou said it did not process it (429).
		retry: 'notProcessedOnly',
	});
	return withoutWebhookSecret(data);
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	description: "Change the integration's webhook URL or authentication, keeping its signing secret",
	action: 'Update an integration',
};
