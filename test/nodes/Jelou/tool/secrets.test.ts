/**
 * No secret of the credential (API key, client secret, the Basic header made from them, signing
 * secret) reaches a model or an error, whatever Jelou or n8n hands back: Jelou echoing them in an
 * answer or an error body, or n8n's HTTP client failing with the request options (headers
 * included) attached, as axios does. Everything is scanned: the tool's output, and for the node
 * itself the thrown error with all its own properties (message, description, cause, context, the
 * error response n8n keeps) and the items of "On Error: Continue".
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { closedConversation, envelope } from '../../../fixtures/conversations';
import { EXECUTE_NODE } from '../../../support/fake-n8n';
import {
	SECRETS,
	TEST_API_KEY,
	TOOL_NODE,
	TEST_CLIENT_ID,
	TEST_CLIENT_SECRET,
	apiKeyCredentials,
	basicCredentials,
	runNode,
	type RunOptions,
} from '../../../support/context';
import { HOST, MESSAGING, PREFIX, SIGNING_SECRET, node } from '../../../support/operation';

const BASIC = Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64');

/** The secrets each scheme's credential holds (the node can only know, and scrub, those). */
const SCHEMES: Record<string, { credentials: ICredentialDataDecryptedObject; secrets: string[] }> =
	{
		'API key': { credentials: apiKeyCredentials, secrets: [TEST_API_KEY, SIGNING_SECRET] },
		'client ID and secret': {
			credentials: basicCredentials,
			secrets: [TEST_CLIENT_SECRET, BASIC, SIGNING_SECRET],
		},
	};
let secrets: string[] = [];

/** A text with every secret of the credential in it, as a careless server would echo them. */
const echo = () => secrets.map((secret, index) => `secret${index}=${secret}`).join(' ');

/**
 * Every own property of every object reached (enumerable or not: an Error's `cause`, `stack`),
 * as one text.
 */
function everything(value: unknown): string | undefined {
	const seen = new WeakSet<object>();
	const walk = (current: unknown): unknown => {
		if (current === null || typeof current !== 'object') {
			return typeof current === 'function' ? undefined : current;
		}
		if (seen.has(current)) return '[circular]';
		seen.add(current);
		if (Buffer.isBuffer(current)) return current.toString('latin1');
		const copy: Record<string, unknown> = {};
		for (const key of Object.getOwnPropertyNames(current)) {
			copy[key] = walk((current as Record<string, unknown>)[key]);
		}
		return copy;
	};
	return JSON.stringify(walk(value));
}

function expectNoSecretIn(label: string, value: unknown, scanned = secrets): void {
	const text = everything(value) ?? '';
	for (const secret of scanned) {
		if (text.includes(secret)) throw new Error(`${label} holds a secret: ${text.slice(0, 400)}`);
	}
}

interface Scenario {
	params: RunOptions['params'];
	/** Sets up what Jelou answers (nock), or returns n8n's failing HTTP client. */
	answer: () => RunOptions['httpRequest'] | void;
}

const getRaw = {
	resource: 'conversation',
	operation: 'get',
	projectId: 'proj-1',
	conversationId: 'c-1',
	output: 'raw',
	options: { maxRetries: 0 },
};
const send = {
	resource: 'message',
	operation: 'send',
	projectId: 'proj-1',
	roomId: 'room-1',
	botId: 'bot-1',
	userId: 'user-1',
	messageType: 'text',
	text: 'Hello',
	options: { maxRetries: 0 },
};
const conversationPath = `${PREFIX}/proj-1/conversations/c-1`;
/** Message → Get Many as one transcript item (the credentials carry no API Base URL: the default). */
const transcript = {
	resource: 'message',
	operation: 'getAll',
	botId: 'bot-1',
	returnAll: true,
	filters: {},
	simplify: false,
	transcript: true,
	options: { maxRetries: 0 },
};
const HISTORY = 'https://api.jelou.ai';
const historyPath = '/v1/external/messages/history/bot-1';

const SCENARIOS: Record<string, Scenario> = {
	'Jelou echoes the secrets in a conversation (values and field names)': {
		params: getRaw,
		answer: () => {
			nock(HOST)
				.get(conversationPath)
				.reply(
					200,
					envelope({
						...closedConversation,
						note: echo(),
						tags: [echo(), { [TEST_API_KEY]: SIGNING_SECRET }],
					}),
				);
		},
	},
	'Jelou echoes the secrets in the answer to Send': {
		params: send,
		answer: () => {
			nock(MESSAGING).post('/v1/external-support/webhook').reply(200, { echo: echo() });
		},
	},
	'Jelou echoes the secrets in the chat history (the transcript and the raw messages)': {
		params: transcript,
		answer: () => {
			nock(HISTORY)
				.get(historyPath)
				.query(true)
				.reply(200, {
					pagination: { totalPages: 1 },
					results: [
						{ by: 'user', sender: { name: echo() }, bubble: { type: 'TEXT', text: echo() } },
					],
				});
		},
	},
	'Jelou echoes the secrets in the 401 of the chat history': {
		params: transcript,
		answer: () => {
			nock(HISTORY).get(historyPath).query(true).reply(401, { message: echo() });
		},
	},
	'Jelou echoes the secrets in a JSON error body (401)': {
		params: getRaw,
		answer: () => {
			nock(HOST)
				.get(conversationPath)
				.reply(401, { message: echo(), error: { detail: echo() } });
		},
	},
	'Jelou echoes the secrets in a text error body (500)': {
		params: getRaw,
		answer: () => {
			nock(HOST).get(conversationPath).reply(500, echo(), { 'Content-Type': 'text/plain' });
		},
	},
	"n8n's client fails with the request options, headers included, attached": {
		params: getRaw,
		answer: () => async (options: IHttpRequestOptions) => {
			const failure = Object.assign(new Error(`connect ECONNREFUSED (${echo()})`), {
				code: 'ECONNREFUSED',
				config: options,
				request: { headers: options.headers, body: options.body },
			});
			throw Object.assign(new Error('Request failed'), { cause: failure, options });
		},
	},
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe.each(Object.entries(SCHEMES))('with the %s scheme', (_scheme, scheme) => {
	const credentials = {
		...scheme.credentials,
		signingSecret: SIGNING_SECRET,
		messagingBaseUrl: `${MESSAGING}/v1`,
	};
	beforeEach(() => {
		secrets = scheme.secrets;
	});

	describe.each(Object.entries(SCENARIOS))('%s', (_name, scenario) => {
		it('the tool hands the model nothing secret', async () => {
			const httpRequest = scenario.answer() ?? undefined;
			const { output } = await runNode(node, {
				params: scenario.params,
				credentials,
				node: TOOL_NODE,
				httpRequest,
			});
			expect(output).toHaveLength(1);
			expectNoSecretIn('the tool output', output);
		});

		it("the node's thrown error and its Continue items hold nothing secret", async () => {
			const run = async (continueOnFail: boolean) =>
				await runNode(node, {
					params: scenario.params,
					credentials,
					node: { ...EXECUTE_NODE, typeVersion: 2 },
					httpRequest: scenario.answer() ?? undefined,
					continueOnFail,
				});
			let thrown: unknown;
			let stopped;
			try {
				stopped = await run(false);
			} catch (error) {
				thrown = error;
			}
			expectNoSecretIn('the thrown error', thrown);
			expectNoSecretIn('the output', stopped?.output);
			const continued = await run(true);
			expect(continued.output).toHaveLength(1);
			expectNoSecretIn('the Continue output', continued.output);
		});
	});
});

it('the scan itself finds a secret hidden in an error cause', () => {
	const error = new Error('failed');
	// Like Error's own `cause`: not enumerable, so a plain JSON.stringify would miss it.
	Object.defineProperty(error, 'cause', { value: { headers: { 'x-api-key': TEST_API_KEY } } });
	expect(JSON.stringify(error)).not.toContain(TEST_API_KEY);
	expect(() => expectNoSecretIn('a leaky error', error, SECRETS)).toThrow(
		'a leaky error holds a secret',
	);
});
