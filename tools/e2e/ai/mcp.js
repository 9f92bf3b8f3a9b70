'use strict';
// The Jelou tool over MCP: a workflow MCP Server Trigger ← Jelou tool (Get conversation, the id
// from $fromAI), activated in `n8n start`; a real MCP client (@modelcontextprotocol/sdk, streamable
// HTTP over loopback) lists the tools and calls the Jelou tool.

const assert = require('node:assert/strict');

const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const {
	StreamableHTTPClientTransport,
} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const ai = require('../../harness/ai-workflows');
const wf = require('../../harness/workflows');
const { sleep } = require('../../harness/n8n');
const { PROJECT } = require('../features/setup');
const { EXPECTED_RAW } = require('../features/conversation');
const { assertNoSecret, jelouSecrets } = require('../features/secrets');

const WF_MCP = 'JelouE2eAiMcp001';
const TOOL = 'Get Jelou conversation';
const CLOSED = 'conv-closed-001';
const ID_DESCRIPTION = 'The id of the Jelou conversation to look up';
// The trigger's version on each line's editor.
const MCP_VERSION = { 1: 2, 2: 2.1 };

const mcpPath = (ctx) => `jelou-e2e-${ctx.rt.line}`;

function workflows(ctx) {
	const trigger = ai.mcpTrigger({
		path: mcpPath(ctx),
		webhookId: wf.webhookUuid(`mcp-${ctx.rt.line}`),
		typeVersion: MCP_VERSION[ctx.rt.line],
	});
	return [
		ai.mcpWorkflow({
			id: WF_MCP,
			name: 'e2e MCP Server Trigger with the Jelou tool',
			trigger,
			tools: [
				ai.jelouTool({
					name: TOOL,
					credential: ctx.creds.key,
					parameters: {
						resource: 'conversation',
						operation: 'get',
						projectId: PROJECT,
						conversationId: `={{ $fromAI('conversationId', '${ID_DESCRIPTION}', 'string') }}`,
						options: {},
					},
				}),
			],
		}),
	];
}

/** Connects an MCP client to the URL, retrying while n8n finishes registering the webhook. */
async function connect(url) {
	let last;
	for (let attempt = 0; attempt < 20; attempt++) {
		const client = new Client({ name: 'n8n-nodes-jelou-e2e', version: '1.0.0' });
		try {
			await client.connect(new StreamableHTTPClientTransport(new URL(url)));
			return client;
		} catch (err) {
			last = err;
			await client.close().catch(() => {});
			await sleep(500);
		}
	}
	throw new Error(`could not connect an MCP client to ${url}: ${last && last.message}`);
}

function define(ctx) {
	ctx.serverTest(
		'MCP Server Trigger: a real MCP client lists the Jelou tool and calls it; the sandbox saw the GET, the client got the conversation',
		async ({ server, rest }) => {
			await rest.activateWorkflow(WF_MCP);
			const url = `${server.url}/mcp/${mcpPath(ctx)}`;
			const client = await connect(url);
			try {
				const { tools } = await client.listTools();
				assert.deepStrictEqual(
					tools.map((t) => t.name),
					[ai.toolName(TOOL)],
				);
				const [tool] = tools;
				assert.equal(tool.description, 'Get a conversation in Jelou');
				assert.equal(tool.inputSchema.type, 'object');
				assert.deepStrictEqual(tool.inputSchema.properties, {
					conversationId: { type: 'string', description: ID_DESCRIPTION },
				});
				assert.deepStrictEqual(tool.inputSchema.required, ['conversationId']);

				ctx.sb.reset();
				const result = await client.callTool({
					name: ai.toolName(TOOL),
					arguments: { conversationId: CLOSED },
				});
				assert.notEqual(result.isError, true, JSON.stringify(result).slice(0, 500));
				// The SDK also types the protocol's older result form ({ toolResult }); n8n answers with
				// `content`, which the assertions below would fail without.
				const content = /** @type {Array<{ type: string, text?: string }>} */ (result.content);
				const texts = content.filter((c) => c.type === 'text').map((c) => c.text);
				assert.equal(texts.length, 1, JSON.stringify(content).slice(0, 500));
				assert.deepStrictEqual(JSON.parse(texts[0]), [EXPECTED_RAW[CLOSED]]);
				assert.deepStrictEqual(
					ctx.sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`),
					[`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 api_key`],
				);
				assertNoSecret(JSON.stringify({ tools, result }), 'the MCP client', jelouSecrets(ctx));
			} finally {
				await client.close();
			}
		},
	);
}

module.exports = { workflows, define };
