'use strict';
// What the editor offers as the Jelou tool, read from the running server's node types (the list
// the editor loads): n8n builds `n8n-nodes-jelou.jelouTool` from the node; in it, only Conversation
// and Message are shown, nothing of Integration.

const assert = require('node:assert/strict');

const { JELOU_TOOL_TYPE } = require('../../harness/ai-workflows');

/** Whether a property is shown in the tool variant (n8n's `@tool` display condition is true). */
function shownInTool(property) {
	const show = property.displayOptions && property.displayOptions.show;
	const hide = property.displayOptions && property.displayOptions.hide;
	if (show && show['@tool'] && !show['@tool'].includes(true)) return false;
	if (hide && hide['@tool'] && hide['@tool'].includes(true)) return false;
	return true;
}

/** The resources a property is shown for (undefined: not limited by resource). */
const forResources = (property) =>
	property.displayOptions && property.displayOptions.show && property.displayOptions.show.resource;

function define(ctx) {
	ctx.serverTest(
		'the editor’s Jelou Tool offers Conversation and Message only: no Integration resource, operation or field is shown in it',
		async ({ rest }) => {
			const tools = (await rest.nodeTypes()).filter((t) => t.name === JELOU_TOOL_TYPE);
			assert.ok(tools.length >= 1, `the editor lists ${JELOU_TOOL_TYPE}`);
			for (const tool of tools) {
				const shown = tool.properties.filter(shownInTool);
				const resources = shown
					.filter((p) => p.name === 'resource')
					.flatMap((p) => p.options.map((o) => o.value));
				assert.deepStrictEqual(resources.sort(), ['conversation', 'message']);
				const integrationParts = shown
					.filter((p) => (forResources(p) || []).includes('integration'))
					.map((p) => p.name);
				assert.deepStrictEqual(integrationParts, [], 'no Integration part is shown');
				const operations = shown
					.filter((p) => p.name === 'operation')
					.flatMap((p) => p.options.map((o) => `${forResources(p)}:${o.value}`));
				assert.deepStrictEqual(operations.sort(), [
					'conversation:close',
					'conversation:get',
					'conversation:start',
					'message:getAll',
					'message:send',
				]);
				// The Integration operations still exist, for the node itself.
				assert.ok(
					tool.properties.some(
						(p) => p.name === 'operation' && (forResources(p) || []).includes('integration'),
					),
					'the hidden Integration operations are in the description',
				);
			}
		},
	);
}

module.exports = { define };
