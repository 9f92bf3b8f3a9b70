import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { signBody } from '../shared/signing';

export const DEFAULT_JELOU_BASE_URL = 'https://gateway.jelou.ai/jelouapi/v1';

export const DEFAULT_JELOU_MESSAGING_URL = 'https://chatbot.jelou.ai/v1';

export const DEFAULT_JELOU_API_URL = 'https://api.jelou.ai/v1';

/**
 * Set by the transport on requests that Jelou authenticates by signature (sending a message to
 * the end user) instead of by API key: `authenticate` signs the body and sends no key, so the
 * signing secret never leaves the credential and the API key never reaches the other host.
 */
export const SIGN_BODY_HEADER = 'x-n8n-jelou-sign-body';

/**
 * One credential for both of Jelou's authentication schemes. Jelou documents either header on every
 * External Support endpoint; users asked for a single credential with a selector rather than two
 * credential types, so `authType` decides which header `authenticate` adds.
 */
export class JelouApi implements ICredentialType {
	name = 'jelouApi';

	displayName = 'Jelou API';

	icon: Icon = {
		light: 'file:../nodes/Jelou/jelou.svg',
		dark: 'file:../nodes/Jelou/jelou.dark.svg',
	};

	documentationUrl = 'https://docs.jelou.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'Send your Jelou project API key in the x-api-key header',
				},
				{
					name: 'Client ID and Secret (Basic)',
					value: 'basic',
					description: 'Send your Jelou client ID and client secret as HTTP Basic authentication',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. 4f8c2e…',
			description: 'The API key of your Jelou project (Jelou → Settings → API keys)',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. my-client-id',
			description: 'The client ID of your Jelou API credentials',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The client secret that belongs to the client ID',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1a2b3c4d',
			description:
				"Optional. Used only by the Test button, which reads this project's External Support integration (a project without one passes too). Nodes take the project ID as a parameter.",
		},
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The signingSecret Jelou returned once when the External Support integration was created. Needed to send messages to end users and to verify the events the Jelou Trigger receives.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_JELOU_BASE_URL,
			placeholder: DEFAULT_JELOU_BASE_URL,
			description:
				'Root of the Jelou API. Change it only for another region, a proxy or a local sandbox.',
		},
		{
			displayName: 'Messaging Base URL',
			name: 'messagingBaseUrl',
			type: 'string',
			default: DEFAULT_JELOU_MESSAGING_URL,
			placeholder: DEFAULT_JELOU_MESSAGING_URL,
			description:
				'Root of the Jelou host that delivers your messages to end users (Message → Send). Change it only for another region, a proxy or a local sandbox.',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: DEFAULT_JELOU_API_URL,
			placeholder: DEFAULT_JELOU_API_URL,
			description:
				'Root of the Jelou API that serves the chat history (Message → Get Many). Jelou documents Client ID and Secret (Basic) for it. Change it only for another region, a proxy or a local sandbox.',
		},
	];

	/**
	 * A function rather than the generic form, so that exactly one of the two headers is ever
	 * sent and a stale value of the other scheme (kept in the stored credential after switching
	 * the selector) can never leak into a request.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers: Record<string, string> = {};
		let mustSign = false;
		for (const [name, value] of Object.entries(requestOptions.headers ?? {})) {
			const lower = name.toLowerCase();
			if (lower === SIGN_BODY_HEADER) {
				mustSign = true;
				continue;
			}
			if (lower === 'authorization' || lower === 'x-api-key' || lower === 'x-jelou-signature')
				continue;
			headers[name] = value as string;
		}

		if (mustSign) {
			// Jelou checks an HMAC-SHA256 of the exact bytes it receives, so the body must already be
			// the serialized string that is sent.
			const body =
				typeof requestOptions.body === 'string'
					? requestOptions.body
					: JSON.stringify(requestOptions.body ?? '');
			headers['X-Jelou-Signature'] =
				`sha256=${signBody(String(credentials.signingSecret ?? ''), body)}`;
			return { ...requestOptions, body, headers };
		}

		if (credentials.authType === 'basic') {
			const clientId = String(credentials.clientId ?? '');
			const clientSecret = String(credentials.clientSecret ?? '');
			headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
		} else {
			headers['x-api-key'] = String(credentials.apiKey ?? '');
		}

		return { ...requestOptions, headers };
	}
}
