import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { getIdParameter, getRequiredText, getRequiredUrl } from '../../helpers/parameters';
import { withoutWebhookSecret } from '../../helpers/simplify';
import type { OperationHandler } from '../runner';
import { WEBHOOK_AUTH_OPTIONS, noticeField } from '../../helpers/fields';

const showFor = { resource: ['integration'], operation: ['create'] };

export const SIGNING_SECRET_NOTICE =
	'Store signingSecret now: Jelou returns it only in this answer. Put it in the Signing Secret field of the Jelou API credential to send messages and to verify the events the Jelou Trigger receives.';

const NEW_SECRET_NOTICE =
	'Creating an integration replaces the one the project already has, and Jelou answers with a new signing secret that it shows only once: the node returns it in the signingSecret field. To change only the webhook URL or its authentication and keep the signing secret, use Update.';

export const description: INodeProperties[] = [
	noticeField('createNotice', NEW_SECRET_NOTICE, showFor),
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://support.example.com/jelou/events',
		description:
			'Public HTTPS address where Jelou sends conversation events (a Jelou Trigger webhook URL, or your own panel)',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Webhook Authentication',
		name: 'webhookAuthType',
		type: 'options',
		default: 'bearer',
		description: 'How Jelou authenticates itself to your webhook, in addition to the signature',
		displayOptions: { show: showFor },
		options: WEBHOOK_AUTH_OPTIONS,
	},
	{
		displayName: 'Webhook Secret',
		name: 'webhookSecret',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'The token, key, or user:password (for Basic) that Jelou sends to your webhook',
		displayOptions: { show: { ...showFor, webhookAuthType: ['bearer', 'api_key', 'basic'] } },
	},
];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	// Jelou requires a public HTTPS address; plain http is let through only so that a local
	// sandbox or test server can be used, and Jelou itself rejects it with a 422.
	const webhookUrl = getRequiredUrl(this, 'webhookUrl', 'Webhook URL', itemIndex, false);
	const authType = this.getNodeParameter('webhookAuthType', itemIndex, 'bearer') as string;
	const body: IDataObject = { webhookUrl, authType };
	if (authType !== 'no_auth') {
		body.authorization = getRequiredText(this, 'webhookSecret', 'Webhook Secret', itemIndex);
	}

	const data = await transport.request<IDataObject>({
		method: 'POST',
		path: ['external-support', projectId],
		body,
		notFoundMessage: `Jelou found no project '${projectId}'`,
		bareShape: 'integration',
		// Each create issues a new signing secret: never resend after Jelou may have acted.
		retry: 'notProcessedOnly',
	});
	const result = withoutWebhookSecret(data);
	if (typeof data.signingSecret === 'string') result.notice = SIGNING_SECRET_NOTICE;
	return result;
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Create',
	value: 'create',
	description: "Create or replace the project's External Support integration (its webhook)",
	action: 'Create an integration',
};
