/**
 * JelouTrigger.webhook(): signature, replay window, body checks, event filter and the output item.
 */
import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import { eventItems, eventSamples } from '../../../fixtures/events';
import { freezeDate } from '../../../support/clock';
import {
	OTHER_SECRET,
	SIGNING_SECRET,
	allResponses,
	callWebhook,
	sign,
	type WebhookCall,
	type WebhookOutcome,
} from '../../../support/context';

const NOW = Date.now();
const TS = NOW - 2_000;

const { start: startEvent, close: closeEvent, message: messageEvent } = eventSamples(TS);

/** A request as Jelou sends it: the body serialized once and signed over those bytes. */
function signed(
	payload: unknown,
	extra: Partial<WebhookCall> = {},
	secret = SIGNING_SECRET,
): WebhookCall {
	const body = JSON.stringify(payload);
	return {
		...extra,
		body,
		headers: {
			'content-type': 'application/json',
			'x-jelou-signature': sign(secret, body),
			...(extra.headers ?? {}),
		},
	};
}

function expectStarted(outcome: WebhookOutcome) {
	expect(outcome.result.workflowData).toBeDefined();
	expect(outcome.result.workflowData).toHaveLength(1);
	expect(outcome.result.workflowData![0]).toHaveLength(1);
	expect(outcome.status).toBe(200);
	return outcome.result.workflowData![0][0].json;
}

function expectRefused(outcome: WebhookOutcome, status: number, error: string) {
	expect(outcome.result.workflowData).toBeUndefined();
	expect(outcome.respondedItself).toBe(true);
	expect(outcome.status).toBe(status);
	expect(outcome.responseBody).toEqual({ error });
}

describe('description', () => {
	const { description } = new JelouTrigger();

	it('is a POST webhook trigger answering on receipt, with the jelouApi credential', () => {
		expect(description.name).toBe('jelouTrigger');
		expect(description.displayName).toBe('Jelou Trigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main']);
		expect(description.credentials).toEqual([
			{ name: 'jelouApi', required: true, testedBy: 'jelouApiTest' },
		]);
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'jelou' },
		]);
		expect(description.usableAsTool).toBeUndefined();
	});

	it('has the public parameters and defaults', () => {
		const byName = Object.fromEntries(description.properties.map((p) => [p.name, p]));
		expect(byName.events.type).toBe('multiOptions');
		expect(byName.events.default).toEqual(['*']);
		expect(byName.events.options!.map((o) => ('value' in o ? o.value : undefined))).toEqual([
			'*',
			'conversation.close',
			'conversation.start',
			'message',
		]);
		expect(byName.registerWebhook.default).toBe(false);
		expect(byName.projectId.displayOptions).toEqual({ show: { registerWebhook: [true] } });
		const options = Object.fromEntries(
			(byName.options.options as Array<{ name: string; default: unknown; type: string }>).map(
				(o) => [o.name, o],
			),
		);
		expect(options.ignoreSignature.default).toBe(false);
		expect(options.maxEventAge.default).toBe(300);
		expect(options.expectedAuthorization.type).toBe('string');
	});
});

describe('output item', () => {
	it.each([
		['conversation.start', 'start'],
		['conversation.close', 'close'],
		['message (event_type instead of event)', 'message'],
	] as const)('%s', async (_name, kind) => {
		const payload = eventSamples(TS)[kind];
		const json = expectStarted(await callWebhook(signed(payload)));
		expect(json).toEqual({ ...eventItems(TS)[kind], payload });
	});

	it('leaves out what the event does not carry, and passes unknown events through', async () => {
		const sparse = { event: 'conversation.transfer', project_id: 'p-1' };
		const json = expectStarted(await callWebhook(signed(sparse)));
		expect(json).toEqual({ event: 'conversation.transfer', projectId: 'p-1', payload: sparse });
	});

	it('a close without reason or message has no endedReason or closingMessage', async () => {
		const bare = { event: 'conversation.close', timestamp: TS, conversation: { id: 'c-9' } };
		const json = expectStarted(await callWebhook(signed(bare)));
		expect(json).toEqual({
			event: 'conversation.close',
			timestamp: new Date(TS).toISOString(),
			_id: 'c-9',
			state: 'closed',
			payload: bare,
		});
	});
});

describe('signature', () => {
	it('accepts a signature computed over the re-serialized JSON (Jelou docs sample)', async () => {
		const pretty = JSON.stringify(startEvent, null, 2);
		const outcome = await callWebhook({
			body: pretty,
			headers: { 'x-jelou-signature': sign(SIGNING_SECRET, JSON.stringify(startEvent)) },
		});
		expectStarted(outcome);
	});

	it('accepts the exact raw bytes even when they differ from JSON.stringify (escaped unicode)', async () => {
		const raw = '{"event":"conversation.start","contact":{"id":"u-1","name":"Ana P\\u00e9rez"}}';
		expect(raw).not.toBe(JSON.stringify(JSON.parse(raw)));
		const outcome = await callWebhook({
			body: raw,
			headers: { 'x-jelou-signature': sign(SIGNING_SECRET, raw) },
		});
		expect(expectStarted(outcome).User).toEqual({ id: 'u-1', names: 'Ana Pérez' });
	});

	it('accepts an upper-case hex digest and a bare digest without the sha256= prefix', async () => {
		const body = JSON.stringify(startEvent);
		const hex = sign(SIGNING_SECRET, body).slice('sha256='.length);
		expectStarted(
			await callWebhook({ body, headers: { 'X-Jelou-Signature': `sha256=${hex.toUpperCase()}` } }),
		);
		expectStarted(await callWebhook({ body, headers: { 'x-jelou-signature': hex } }));
	});

	it('unsigned: 401, nothing started', async () => {
		const outcome = await callWebhook({ body: JSON.stringify(startEvent), headers: {} });
		expectRefused(outcome, 401, 'Missing X-Jelou-Signature header');
	});

	it('signed with another secret: 401', async () => {
		expectRefused(
			await callWebhook(signed(startEvent, {}, OTHER_SECRET)),
			401,
			'Invalid X-Jelou-Signature',
		);
	});

	it('tampered body: 401', async () => {
		const call = signed(closeEvent);
		call.body = JSON.stringify({ ...closeEvent, reason: 'closed_by_user' });
		expectRefused(await callWebhook(call), 401, 'Invalid X-Jelou-Signature');
	});

	it('malformed header values: 401', async () => {
		const body = JSON.stringify(startEvent);
		for (const value of [
			'sha256=',
			'sha256=zz',
			'sha1=abc',
			`sha256=${'0'.repeat(63)}`,
			'Bearer x',
		]) {
			expectRefused(
				await callWebhook({ body, headers: { 'x-jelou-signature': value } }),
				401,
				'Invalid X-Jelou-Signature',
			);
		}
	});

	it('no signing secret in the credential: 401 telling the admin to fill in Signing Secret', async () => {
		const outcome = await callWebhook({
			...signed(startEvent),
			credentials: { authType: 'apiKey', apiKey: 'k-1234', signingSecret: '' },
		});
		expect(outcome.result.workflowData).toBeUndefined();
		expect(outcome.status).toBe(401);
		const body = outcome.responseBody as { error: string; message: string };
		expect(body.error).toBe('Signing secret not configured');
		expect(body.message).toContain('Signing Secret of its Jelou API credential is empty');
		expect(JSON.stringify(body)).not.toContain('k-1234');
	});

	it('Ignore Signature (Testing Only) accepts unsigned events and needs no secret', async () => {
		const outcome = await callWebhook({
			body: JSON.stringify(startEvent),
			params: { options: { ignoreSignature: true } },
			credentials: { authType: 'apiKey', apiKey: 'k' },
		});
		expect(expectStarted(outcome).event).toBe('conversation.start');
	});

	it('Ignore Signature off by default, explicit false behaves the same', async () => {
		const outcome = await callWebhook({
			body: JSON.stringify(startEvent),
			params: { options: { ignoreSignature: false } },
		});
		expectRefused(outcome, 401, 'Missing X-Jelou-Signature header');
	});
});

describe('body', () => {
	it('non-JSON body (correctly signed): 400', async () => {
		const body = 'event=conversation.start';
		const outcome = await callWebhook({
			body,
			headers: { 'x-jelou-signature': sign(SIGNING_SECRET, body) },
		});
		expectRefused(outcome, 400, 'The request body is not valid JSON');
	});

	it('non-JSON body with the signature check off: 400', async () => {
		const outcome = await callWebhook({
			body: '<xml/>',
			params: { options: { ignoreSignature: true } },
		});
		expectRefused(outcome, 400, 'The request body is not valid JSON');
	});

	it('non-JSON body without a valid signature: 401 (authentication is checked first)', async () => {
		expectRefused(
			await callWebhook({ body: 'nope', headers: {} }),
			401,
			'Missing X-Jelou-Signature header',
		);
	});

	it('a JSON array: 400', async () => {
		expectRefused(
			await callWebhook(signed([startEvent])),
			400,
			'The request body must be a JSON object',
		);
	});
});

describe('replay window', () => {
	// Only Date is simulated, and it stands still: the ages below are exact, however slow the run.
	beforeEach(() => {
		freezeDate(NOW);
	});
	afterEach(() => {
		jest.useRealTimers();
	});

	it('an event older than Max Event Age (default 300 s): 401', async () => {
		const old = { ...startEvent, timestamp: Date.now() - 301_000 };
		expectRefused(
			await callWebhook(signed(old)),
			401,
			'Event is older than 300 seconds (possible replay)',
		);
	});

	it('a custom Max Event Age, and 0 turning the check off', async () => {
		const old = { ...startEvent, timestamp: Date.now() - 301_000 };
		expectStarted(await callWebhook(signed(old, { params: { options: { maxEventAge: 600 } } })));
		expectStarted(await callWebhook(signed(old, { params: { options: { maxEventAge: 0 } } })));
		const older = { ...startEvent, timestamp: Date.now() - 61_000 };
		expectRefused(
			await callWebhook(signed(older, { params: { options: { maxEventAge: 60 } } })),
			401,
			'Event is older than 60 seconds (possible replay)',
		);
	});

	it('a timestamp more than 60 s in the future: 401; within 60 s: accepted', async () => {
		const future = { ...startEvent, timestamp: Date.now() + 120_000 };
		expectRefused(await callWebhook(signed(future)), 401, 'Event timestamp is in the future');
		expectStarted(await callWebhook(signed({ ...startEvent, timestamp: Date.now() + 30_000 })));
	});

	it('no timestamp: accepted, and the item has no timestamp', async () => {
		const { timestamp: _drop, ...untimed } = startEvent;
		const json = expectStarted(await callWebhook(signed(untimed)));
		expect(json).not.toHaveProperty('timestamp');
		expect(json._id).toBe('conv-active-001');
	});

	it('a timestamp that is not a time: 401 while the check is on', async () => {
		const bad = { ...startEvent, timestamp: 'yesterday' };
		expectRefused(await callWebhook(signed(bad)), 401, 'Event timestamp is not a valid time');
		const json = expectStarted(
			await callWebhook(signed(bad, { params: { options: { maxEventAge: 0 } } })),
		);
		expect(json).not.toHaveProperty('timestamp');
	});

	it('reads a timestamp in seconds or as a numeric string', async () => {
		const seconds = Math.floor(TS / 1000);
		const json = expectStarted(await callWebhook(signed({ ...startEvent, timestamp: seconds })));
		expect(json.timestamp).toBe(new Date(seconds * 1000).toISOString());
		const json2 = expectStarted(
			await callWebhook(signed({ ...startEvent, timestamp: String(TS) })),
		);
		expect(json2.timestamp).toBe(new Date(TS).toISOString());
	});
});

describe('event filter', () => {
	const onlyClose = { params: { events: ['conversation.close'] } };

	it('only Conversation Closed selected: a start event answers 200 and starts nothing', async () => {
		const outcome = await callWebhook(signed(startEvent, onlyClose));
		expect(outcome.result.workflowData).toBeUndefined();
		expect(outcome.respondedItself).toBe(false);
		expect(outcome.status).toBe(200);
		expect(outcome.responseBody).toEqual({
			message: 'Event received but not selected in this trigger; no workflow was started',
		});
	});

	it('only Conversation Closed selected: a close event starts the workflow', async () => {
		expect(expectStarted(await callWebhook(signed(closeEvent, onlyClose))).event).toBe(
			'conversation.close',
		);
	});

	it('Message Received matches the event_type of user messages', async () => {
		const onlyMessages = { params: { events: ['message'] } };
		expect(expectStarted(await callWebhook(signed(messageEvent, onlyMessages))).event).toBe(
			'message',
		);
		expect(
			(await callWebhook(signed(closeEvent, onlyMessages))).result.workflowData,
		).toBeUndefined();
	});

	it('several events, and All Events', async () => {
		const two = { params: { events: ['conversation.start', 'message'] } };
		expectStarted(await callWebhook(signed(startEvent, two)));
		expectStarted(await callWebhook(signed(messageEvent, two)));
		expect((await callWebhook(signed(closeEvent, two))).result.workflowData).toBeUndefined();
		expectStarted(
			await callWebhook(signed({ event: 'something.new' }, { params: { events: ['*'] } })),
		);
	});

	it('the filter runs after the signature check', async () => {
		const outcome = await callWebhook({
			body: JSON.stringify(startEvent),
			headers: {},
			...onlyClose,
		});
		expectRefused(outcome, 401, 'Missing X-Jelou-Signature header');
	});
});

describe('Expected Webhook Authorization', () => {
	const token = 'hook-t0ken-5ecr3t-0005';
	const withToken = (headers: Record<string, string>) =>
		signed(startEvent, { params: { options: { expectedAuthorization: token } }, headers });

	it('accepts Bearer, X-API-Key and Basic (plain or Base64)', async () => {
		expectStarted(await callWebhook(withToken({ authorization: `Bearer ${token}` })));
		expectStarted(await callWebhook(withToken({ 'x-api-key': token })));
		expectStarted(await callWebhook(withToken({ authorization: `Basic ${token}` })));
		const basic = 'panel:pa55-5ecr3t';
		const encoded = Buffer.from(basic).toString('base64');
		expectStarted(
			await callWebhook(
				signed(startEvent, {
					params: { options: { expectedAuthorization: basic } },
					headers: { authorization: `Basic ${encoded}` },
				}),
			),
		);
	});

	it('missing or wrong: 401', async () => {
		const error = 'Missing or wrong webhook authorization';
		expectRefused(await callWebhook(withToken({})), 401, error);
		expectRefused(await callWebhook(withToken({ authorization: `Bearer ${token}x` })), 401, error);
		expectRefused(await callWebhook(withToken({ authorization: token })), 401, error);
		expectRefused(await callWebhook(withToken({ 'x-api-key': 'nope' })), 401, error);
	});

	it('empty means not required', async () => {
		expectStarted(
			await callWebhook(signed(startEvent, { params: { options: { expectedAuthorization: '' } } })),
		);
	});
});

describe('secrets', () => {
	it('no response body of this file ever contained a secret', () => {
		expect(allResponses.length).toBeGreaterThan(30);
		const text = JSON.stringify(allResponses);
		for (const secret of [
			SIGNING_SECRET,
			OTHER_SECRET,
			'hook-t0ken-5ecr3t-0005',
			'pa55-5ecr3t',
			'k-1234',
		]) {
			expect(text).not.toContain(secret);
		}
	});
});
