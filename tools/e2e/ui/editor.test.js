'use strict';
// The Jelou node in the real n8n editor, in a real browser (`npm run test:ui`).
//
// Per n8n line (UI_N8N_LINES, default "1"): a temporary n8n user folder gets
// the packed package ($E2E_PACKAGE_TGZ, else packed now from dist/), the Jelou
// sandbox runs in this process, `n8n start` serves the editor on 127.0.0.1 and
// Debian's chromium (playwright-core) walks through what a user does:
//
//   1. log in (owner created over REST)
//   2. node panel: search "Jelou" → the Jelou node and the Jelou Trigger, with icons   01-node-panel.png
//   3. add "Get a conversation": resources, operations, labels, descriptions           02-conversation-get.png
//   4. new Jelou credential: Authentication selector, Test OK / wrong key fails          03-credential-ok.png, 04-credential-fail.png
//   5. execute the node against the sandbox: the output shows the conversation          05-output.png
//   6. Jelou Trigger with Download Media: "Listen for test event", the sandbox sends a
//      signed PDF message, the output shows the binary `data` (name, MIME type)          06-trigger-media.png
//
// Screenshots of line 1 go to docs/screenshots/ (UI_SCREENSHOT_DIR overrides),
// of other lines to tools/e2e/ui/artifacts/n8n-<line>/. When a step fails, the page
// is saved to tools/e2e/ui/artifacts/ and the failure names the file.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, before, after, test } = require('node:test');

const { getRuntime, isInstalled, REPO_ROOT } = require('../../harness/runtime');
const { N8nInstance, N8nRest, packPackage, portInUse } = require('../../harness/n8n');
const { installHooks, onCleanup } = require('../../harness/procs');
const { startSandbox } = require('../../sandbox/server.js');
const { launchBrowser } = require('./browser');
const wf = require('../../harness/workflows');
const { MEDIA_MESSAGES } = require('../../sandbox/lib/media');

const PROJECT = 'demo-project';
const CONVERSATION = 'conv-closed-001';
const API_KEY = 'sandbox-api-key';
const CLIENT_ID = 'sandbox-client';
const CLIENT_SECRET = 'sandbox-secret';
const OWNER = {
	email: 'ui-owner@example.com',
	password: 'Jelou-UI-test-Pw1',
	firstName: 'UI',
	lastName: 'Test',
};
const SIGNING_SECRET = 'sandbox-ui-signing-secret';
const ARTIFACTS = path.join(__dirname, 'artifacts');

const LINES = String(process.env.UI_N8N_LINES || '1')
	.split(',')
	.map((s) => s.trim())
	.filter(Boolean);

function screenshotDir(line) {
	if (String(line) === '1')
		return process.env.UI_SCREENSHOT_DIR || path.join(REPO_ROOT, 'docs', 'screenshots');
	return path.join(ARTIFACTS, `n8n-${line}`);
}

// n8n's hover tooltips (select dropdowns are poppers with role "tooltip" too).
// n8n 2.x renders them as .n8n-tooltip without a role.
const TOOLTIP =
	'[role="tooltip"]:not(.el-select__popper):not(.el-select-dropdown):visible, .n8n-tooltip:visible';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value; fail with `message` after `timeout` ms. */
async function waitUntil(
	fn,
	{ timeout = 20_000, interval = 200, message = 'condition not met' } = {},
) {
	const started = Date.now();
	let last;
	let lastError;
	while (Date.now() - started < timeout) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			lastError = e;
		}
		await sleep(interval);
	}
	throw new Error(
		`${message} (waited ${timeout} ms${lastError ? `; last error: ${lastError.message}` : ''})`,
	);
}

/** Resolves true when the locator becomes visible within `timeout`, false otherwise. */
async function appears(locator, timeout = 20_000) {
	try {
		await locator.first().waitFor({ state: 'visible', timeout });
		return true;
	} catch {
		return false;
	}
}

/** The first line of each visible element's text, trimmed, without a trailing required-marker "*". */
async function firstLines(locator) {
	const texts = await locator.allInnerTexts();
	return texts
		.map((t) =>
			t
				.split('\n')[0]
				.replace(/\s*\*\s*$/, '')
				.trim(),
		)
		.filter(Boolean);
}

for (const line of LINES) {
	const rt = getRuntime(line);

	describe(
		`n8n editor ${rt.n8nVersion}: the Jelou node in a real browser`,
		{ timeout: 15 * 60_000 },
		() => {
			/** @type {import('../../harness/n8n').N8nInstance} */
			let n8n;
			let server;
			/** @type {import('../../harness/n8n').N8nRest} */
			let rest;
			let sb;
			let browser;
			let page;
			let ports = [];
			let failedStep;
			const shots = screenshotDir(rt.line);

			// Each part is stopped even when another one fails to stop.
			const teardown = async () => {
				const errors = [];
				for (const stopPart of [
					() => browser && browser.close(),
					() => n8n && n8n.dispose({ keep: !!process.env.E2E_KEEP }),
					() => sb && sb.close(),
				]) {
					try {
						await stopPart();
					} catch (e) {
						errors.push(e);
					}
				}
				if (errors.length) throw errors[0];
			};

			before(
				async () => {
					installHooks();
					onCleanup(teardown);
					if (process.env[`E2E_INSTALL_ERROR_${rt.line}`]) {
						throw new Error(
							`${rt.name} could not be installed: ${process.env[`E2E_INSTALL_ERROR_${rt.line}`]}`,
						);
					}
					if (!isInstalled(rt.line)) {
						throw new Error(
							`${rt.name} is not installed in ${rt.dir}: run npm run test:ui (or node tools/scripts/install-n8n.js ${rt.line})`,
						);
					}
					fs.mkdirSync(shots, { recursive: true });
					const tgz = await packPackage();

					sb = await startSandbox({
						port: 0,
						quiet: true,
						latencyMs: 0,
						rateLimit: 0,
						errorRate: 0,
					});
					// No integration is seeded: the credential Test must pass for a valid key on a project
					// that has no External Support integration yet (the probe reads it and gets a 404).
					n8n = new N8nInstance(rt.line);
					await n8n.installPackage(tgz);
					server = await n8n.startServer({
						timeoutMs: 240_000,
						logFile: path.join(n8n.userFolder, 'n8n.log'),
					});
					ports = [server.port, sb.port];
					rest = new N8nRest(server.url);
					await rest.setupOwner(OWNER);

					browser = await launchBrowser();
					page = browser.page;
					page.setDefaultTimeout(20_000);
					page.setDefaultNavigationTimeout(60_000);
				},
				{ timeout: 6 * 60_000 },
			);

			after(
				async () => {
					await teardown();
					// Nothing may be left listening.
					for (const p of ports) {
						assert.equal(
							await portInUse(p),
							false,
							`port ${p} on 127.0.0.1 still listens after the test`,
						);
					}
					if (browser) assert.deepEqual(browser.pids(), [], 'chromium processes left after close');
				},
				{ timeout: 60_000 },
			);

			/**
			 * One step of the walk-through. Skipped when an earlier step failed (it would
			 * fail for the same reason); on failure the page is saved for inspection.
			 */
			const step = (name, fn) =>
				test(name, { timeout: 3 * 60_000 }, async (t) => {
					if (!page) return t.skip('n8n or the browser did not start (see the before hook)');
					if (failedStep) return t.skip(`an earlier step failed: ${failedStep}`);
					try {
						await fn();
					} catch (e) {
						failedStep = name;
						let where = '';
						try {
							fs.mkdirSync(ARTIFACTS, { recursive: true });
							const file = path.join(
								ARTIFACTS,
								`failure-n8n-${rt.line}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`,
							);
							await page.screenshot({ path: file, timeout: 10_000 });
							where = `\n(page at failure: ${path.relative(REPO_ROOT, file)}, URL ${page.url()})`;
						} catch {
							/* the page may be gone */
						}
						e.message += where;
						throw e;
					}
				});

			const shot = async (file) => {
				// No hover effects or blinking caret in the pictures.
				await page.waitForTimeout(300);
				await page.screenshot({ path: path.join(shots, file) });
			};

			const ndv = () => page.locator('[data-test-id="ndv"]');
			const credModal = () => page.locator('[data-test-id="editCredential-modal"]');
			const visibleOptions = () => page.locator('.el-select-dropdown__item:visible');

			/** Open an n8n select, return its option headlines, close it again. */
			const optionsOf = async (scope, param) => {
				const select = scope.locator(`[data-test-id="parameter-input-${param}"]`);
				await select.click();
				await visibleOptions().first().waitFor({ state: 'visible' });
				const names = await firstLines(visibleOptions());
				// Close it the way it opened (Escape could close the dialog around it).
				await select.click();
				if (
					!(await visibleOptions()
						.first()
						.waitFor({ state: 'hidden', timeout: 5_000 })
						.then(
							() => true,
							() => false,
						))
				) {
					await page.keyboard.press('Escape');
					await visibleOptions().first().waitFor({ state: 'hidden', timeout: 5_000 });
				}
				return names;
			};

			/** Pick the option whose headline is exactly `name` in an n8n select. */
			const pickOption = async (scope, param, name) => {
				await scope.locator(`[data-test-id="parameter-input-${param}"]`).click();
				const exact = new RegExp(`^\\s*${name.replace(/[()]/g, '\\$&')}\\s*$`);
				const option = visibleOptions().filter({
					has: page.locator('.option-headline', { hasText: exact }),
				});
				assert.ok(
					await appears(option, 10_000),
					`the ${param} selector offers "${name}" (offered: ${(await firstLines(visibleOptions())).join(', ')})`,
				);
				await option.first().click();
				await visibleOptions()
					.first()
					.waitFor({ state: 'hidden', timeout: 5_000 })
					.catch(() => {});
				await waitUntil(
					async () =>
						(await scope
							.locator(`[data-test-id="parameter-input-${param}"] input`)
							.inputValue()) === name,
					{
						timeout: 10_000,
						message: `the ${param} selector shows "${name}" after picking it`,
					},
				);
			};

			/** Hover a parameter's help icon; resolves the tooltip text (its description). */
			const descriptionOf = async (item) => {
				await item.locator('[data-test-id="input-label"]').first().hover();
				const icon = item
					.locator('[data-test-id="input-label"] svg[data-icon="circle-help"]')
					.first();
				await icon.hover();
				const tooltip = page.locator(TOOLTIP);
				const text = await waitUntil(
					async () => (await tooltip.allInnerTexts()).map((s) => s.trim()).find(Boolean),
					{
						timeout: 10_000,
						message: 'a description tooltip appears on the help icon',
					},
				);
				return text;
			};

			const paramItem = (param) =>
				ndv()
					.locator('[data-test-id="parameter-item"]')
					.filter({ has: page.locator(`[data-test-id="parameter-input-${param}"]`) })
					.first();

			/** Visible field labels of the credential form. */
			const credentialLabels = async () =>
				firstLines(
					credModal().locator(
						'[data-test-id="credential-connection-parameter"] label.n8n-input-label:visible',
					),
				);

			/** Save the credential and wait for n8n's connection test banner. */
			const saveAndWaitForTest = async (expect) => {
				const probesBefore = sb.requests.length;
				await credModal().locator('[data-test-id="credential-save-button"]').click();
				const ok = credModal().locator(
					'[data-test-id="credentials-config-container-test-success"]',
				);
				const fail = credModal().getByText(/Couldn.t connect with these settings/);
				const banner = async () => {
					if (expect === 'ok' && (await ok.isVisible()) && !(await fail.isVisible()))
						return 'shown';
					if (expect === 'fail' && (await fail.isVisible()) && !(await ok.isVisible()))
						return 'shown';
					return false;
				};
				const what =
					expect === 'ok'
						? '"Connection tested successfully"'
						: '"Couldn’t connect with these settings"';
				let outcome = await waitUntil(
					async () => {
						if (sb.requests.length === probesBefore) return false; // not tested yet
						if (!(await credModal().isVisible())) return 'closed';
						return banner();
					},
					{ timeout: 30_000, message: `after Save, n8n shows ${what}` },
				);
				if (outcome === 'shown') {
					await page.waitForTimeout(1000);
					if (!(await credModal().isVisible())) outcome = 'closed';
				}
				if (outcome === 'closed') {
					// n8n 2.x closes the dialog after a successful test; opening it again tests again.
					assert.equal(
						expect,
						'ok',
						'the credential dialog closed after Save although the Test should have failed',
					);
					await ndv().locator('[data-test-id="credential-edit-button"]').first().click();
					await credModal().waitFor({ state: 'visible', timeout: 15_000 });
					await waitUntil(banner, {
						timeout: 30_000,
						message: `the reopened credential shows ${what}`,
					});
				}
			};

			step('log in through the editor', async () => {
				await page.goto(`${server.url}/signin`, { waitUntil: 'domcontentloaded' });
				const email = page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first();
				assert.ok(await appears(email, 60_000), 'the sign-in form shows an email field');
				await email.fill(OWNER.email);
				await page.locator('input[type="password"]').first().fill(OWNER.password);
				await page.getByRole('button', { name: 'Sign in' }).click();
				await page
					.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 })
					.catch(() => {});
				assert.ok(
					!new URL(page.url()).pathname.startsWith('/signin'),
					`signing in left the sign-in page (URL: ${page.url()})`,
				);
			});

			step(
				'node panel: searching "Jelou" lists the Jelou node and the Jelou Trigger, with their icon',
				async () => {
					await page.goto(`${server.url}/workflow/new`, { waitUntil: 'domcontentloaded' });
					const plus = page
						.locator(
							'[data-test-id="node-creator-plus-button"], [data-test-id="canvas-plus-button"]',
						)
						.first();
					assert.ok(
						await appears(plus, 60_000),
						'a new workflow shows the "open nodes panel" button',
					);
					await plus.click();
					const creator = page.locator('[data-test-id="node-creator"]');
					const search = creator.locator('[data-test-id="node-creator-search-bar"]');
					assert.ok(await appears(search), 'the nodes panel opens with a search field');
					await search.fill('Jelou');

					// n8n lists a node and its "<Name> Trigger" as one entry named after the app.
					const entry = creator.locator('[data-test-id="item-iterator-item"]').filter({
						has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Jelou$/ }),
					});
					assert.ok(
						await appears(entry),
						`searching "Jelou" lists a "Jelou" entry (listed: ${(await creator.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()).join(', ') || 'nothing'})`,
					);
					const icon = entry.first().locator('img').first();
					await waitUntil(
						async () => icon.evaluate((img) => img.complete && img.naturalWidth > 0),
						{
							message: 'the "Jelou" entry shows its icon (an <img> that loaded)',
						},
					);
					const src = await icon.getAttribute('src');
					assert.match(
						src,
						/\/icons\/n8n-nodes-jelou\/dist\/nodes\/Jelou(Trigger)?\/jelou\.svg$/,
						`the entry's icon comes from the package (src ${src})`,
					);
					const iconResponse = await page.request.get(new URL(src, server.url).href);
					assert.equal(iconResponse.status(), 200, `GET ${src}`);
					assert.match(
						iconResponse.headers()['content-type'] || '',
						/svg/,
						`${src} is served as SVG`,
					);

					// The entry opens on both node types: triggers (Jelou Trigger) and actions (Jelou).
					await entry.first().click();
					const triggers = creator.locator(
						'[data-keyboard-nav-type="action"][data-keyboard-nav-id^="n8n-nodes-jelou.jelouTrigger-"]:visible',
					);
					const actions = creator.locator(
						'[data-keyboard-nav-type="action"][data-keyboard-nav-id^="n8n-nodes-jelou.jelou-"]:visible',
					);
					assert.ok(
						await appears(triggers),
						'the Jelou entry lists the triggers of the Jelou Trigger node (n8n-nodes-jelou.jelouTrigger)',
					);
					const actionsHeader = creator.locator('[data-test-id="node-creator-category-item"]', {
						hasText: /^\s*Actions/,
					});
					if (
						!(await actions
							.first()
							.isVisible()
							.catch(() => false)) &&
						(await actionsHeader.count())
					) {
						await actionsHeader.first().click(); // collapsed while the workflow has no trigger
					}
					assert.ok(
						await appears(actions),
						'the Jelou entry lists the actions of the Jelou node (n8n-nodes-jelou.jelou)',
					);
					const triggerNames = await firstLines(
						triggers.locator('[data-test-id="node-creator-item-name"]'),
					);
					const actionNames = await firstLines(
						actions.locator('[data-test-id="node-creator-item-name"]'),
					);
					for (const name of [
						'On conversation closed',
						'On conversation started',
						'On message received',
					]) {
						assert.ok(
							triggerNames.includes(name),
							`Jelou Trigger offers "${name}" (offered: ${triggerNames.join(', ')})`,
						);
					}
					for (const name of [
						'Close a conversation',
						'Get a conversation',
						'Start a conversation',
						'Create an integration',
						'Get an integration',
						'Update an integration',
						'Delete an integration',
						'Send a message',
					]) {
						assert.ok(
							actionNames.includes(name),
							`Jelou offers the action "${name}" (offered: ${actionNames.join(', ')})`,
						);
					}
					// Both nodes live in nodes/Jelou/ and share the package's icon.
					for (const [what, list, file] of [
						['a Jelou Trigger item', triggers, 'Jelou'],
						['a Jelou action', actions, 'Jelou'],
					]) {
						const img = list.first().locator('img').first();
						const info = await img.evaluate((el) => ({
							src: el.getAttribute('src'),
							ok: el.complete && el.naturalWidth > 0,
						}));
						assert.ok(info.ok, `${what} shows its icon (${info.src} did not load)`);
						assert.ok(
							info.src.endsWith(`/dist/nodes/${file}/jelou.svg`),
							`${what}'s icon is the package's ${file} icon (src ${info.src})`,
						);
					}
					await page.mouse.move(700, 500);
					await shot('01-node-panel.png');
				},
			);

			step('Jelou node: resources, operations and the Conversation → Get parameters', async () => {
				await page
					.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]', {
						hasText: /^Get a conversation$/,
					})
					.first()
					.click();
				assert.ok(
					await appears(ndv(), 30_000),
					'picking "Get a conversation" opens the node on the canvas with its parameters',
				);
				const title = ndv().locator('[data-test-id="node-title-container"]');
				assert.ok(await appears(title), 'the node panel has a title');

				assert.deepEqual(
					await optionsOf(ndv(), 'resource'),
					['Conversation', 'Integration', 'Message'],
					'the Resource picker',
				);
				const expectedOps = {
					Message: ['Get Many', 'Send'],
					Integration: ['Create', 'Delete', 'Get', 'Update'],
					Conversation: ['Close', 'Get', 'Start'],
				};
				for (const [resource, ops] of Object.entries(expectedOps)) {
					await pickOption(ndv(), 'resource', resource);
					assert.deepEqual(
						await optionsOf(ndv(), 'operation'),
						ops,
						`the Operation picker for ${resource}`,
					);
				}
				await pickOption(ndv(), 'operation', 'Get');

				const labels = await firstLines(
					ndv().locator(
						'[data-test-id="node-parameters"] [data-test-id="parameter-item"] [data-test-id="input-label"] label:visible',
					),
				);
				for (const label of [
					'Resource',
					'Operation',
					'Project ID',
					'Conversation ID',
					// A node added now is version 2: Output (Simplified, Raw, Selected Fields).
					'Output',
				]) {
					assert.ok(
						labels.includes(label),
						`Conversation → Get shows the "${label}" parameter (shown: ${labels.join(', ')})`,
					);
				}
				const expected = {
					projectId: {
						label: 'Project ID',
						description: /ID of your Jelou project/,
						placeholder: 'e.g. 1a2b3c4d',
					},
					conversationId: {
						label: 'Conversation ID',
						description: /ID of the conversation to fetch/,
						placeholder: 'e.g. 65a1f0c2e4b0a1b2c3d4e5f6',
					},
					output: { label: 'Output', description: /Which fields of the conversation to return/ },
				};
				for (const [param, want] of Object.entries(expected)) {
					const item = paramItem(param);
					assert.ok(await appears(item), `the ${want.label} parameter is shown`);
					const description = await descriptionOf(item);
					assert.match(
						description,
						want.description,
						`the ${want.label} description (tooltip: "${description}")`,
					);
					if (want.placeholder) {
						const placeholder = await item.locator('input').first().getAttribute('placeholder');
						assert.equal(placeholder, want.placeholder, `the ${want.label} placeholder`);
					}
					await page.mouse.move(5, 5);
					await page
						.locator('[role="tooltip"]:visible')
						.first()
						.waitFor({ state: 'hidden', timeout: 5_000 })
						.catch(() => {});
				}
				// The picture: the Conversation ID description open.
				await descriptionOf(paramItem('conversationId'));
				await shot('02-conversation-get.png');
				await page.mouse.move(5, 5);
			});

			step(
				'credential: the Authentication selector, Test succeeds with the sandbox key and fails with a wrong key',
				async () => {
					// n8n 1.x: a credential picker with "Create new credential"; 2.x: a "Connect to Jelou" button.
					const connect = ndv().locator('[data-test-id="node-credentials-empty-state"] button');
					const picker = ndv().locator('[data-test-id="node-credentials-select"]');
					await waitUntil(
						async () => (await connect.first().isVisible()) || (await picker.first().isVisible()),
						{
							message: 'the node shows its credential picker (or "Connect to Jelou")',
						},
					);
					if (await connect.first().isVisible()) {
						assert.match(
							await connect.first().innerText(),
							/Jelou/,
							'the connect button names Jelou',
						);
						await connect.first().click();
					} else {
						await picker.first().click();
						const create = page
							.locator('[data-test-id="node-credentials-select-item-new"]')
							.or(visibleOptions().filter({ hasText: /Create new credential/i }));
						assert.ok(
							await appears(create),
							'the credential picker offers "Create new credential"',
						);
						await create.first().click();
					}
					assert.ok(await appears(credModal(), 30_000), 'the credential dialog opens');
					assert.match(
						await credModal().innerText(),
						/Jelou API/,
						'the dialog is for a "Jelou API" credential',
					);

					assert.deepEqual(
						await optionsOf(credModal(), 'authType'),
						['API Key', 'Client ID and Secret (Basic)'],
						'the Authentication selector',
					);
					const onlyKey = (labels) =>
						labels.includes('API Key') &&
						!labels.includes('Client ID') &&
						!labels.includes('Client Secret');
					const onlyBasic = (labels) =>
						!labels.includes('API Key') &&
						labels.includes('Client ID') &&
						labels.includes('Client Secret');
					let labels = await credentialLabels();
					assert.ok(
						onlyKey(labels),
						`Authentication "API Key" shows the API Key field and no Client ID / Client Secret (shown: ${labels.join(', ')})`,
					);
					for (const label of [
						'Authentication',
						'Project ID',
						'Signing Secret',
						'Base URL',
						'Messaging Base URL',
					]) {
						assert.ok(
							labels.includes(label),
							`the credential has a "${label}" field (shown: ${labels.join(', ')})`,
						);
					}
					await pickOption(credModal(), 'authType', 'Client ID and Secret (Basic)');
					labels = await waitUntil(
						async () => {
							const l = await credentialLabels();
							return onlyBasic(l) && l;
						},
						{
							timeout: 10_000,
							message: `Authentication "Client ID and Secret (Basic)" shows Client ID and Client Secret and no API Key (shown: ${(await credentialLabels()).join(', ')})`,
						},
					);
					await pickOption(credModal(), 'authType', 'API Key');
					labels = await waitUntil(
						async () => {
							const l = await credentialLabels();
							return onlyKey(l) && l;
						},
						{
							timeout: 10_000,
							message: 'switching back to "API Key" shows only the API Key field again',
						},
					);

					const field = (name) =>
						credModal().locator(`[data-test-id="parameter-input-${name}"] input`).first();
					await field('apiKey').fill(API_KEY);
					await field('projectId').fill(PROJECT);
					await field('baseUrl').fill(sb.baseUrl);
					sb.reset();
					await saveAndWaitForTest('ok');
					assert.match(await credModal().innerText(), /Connection tested successfully/);
					// One probe (two on n8n 2.x: it tests again when the dialog is reopened).
					const probes = (want) => {
						const seen = sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`);
						assert.ok(
							seen.length >= 1 && seen.every((p) => p === want),
							`the Test probes the sandbox answered: ${seen.join('; ') || 'none'} (expected ${want})`,
						);
					};
					probes(`GET /jelouapi/v1/external-support/${PROJECT} 404 api_key`);
					await page.mouse.move(5, 5);
					await shot('03-credential-ok.png');

					// The "Credential successfully created" toast belongs to the picture above only.
					for (const close of await page.locator('.el-notification__closeBtn:visible').all())
						await close.click().catch(() => {});
					sb.reset();
					await field('apiKey').fill('wrong-key');
					await saveAndWaitForTest('fail');
					// n8n folds the reason behind "More details".
					const more = credModal().getByText('More details');
					if (await more.first().isVisible()) await more.first().click();
					// Our own message, through the node-level test (testedBy), not n8n's generic 401 text.
					const reason = /Jelou rejected these credentials \(HTTP 401\)/;
					const text = await waitUntil(
						async () => {
							const t = await credModal().innerText();
							return reason.test(t) && t;
						},
						{
							timeout: 10_000,
							message: `the failure says why (dialog text: ${(await credModal().innerText()).slice(0, 300)})`,
						},
					);
					assert.match(text, /Couldn.t connect with these settings/);
					assert.doesNotMatch(text, /Authorization failed - please check your credentials/);
					probes(`GET /jelouapi/v1/external-support/${PROJECT} 401 invalid`);
					await shot('04-credential-fail.png');

					// Basic authentication passes the Test too.
					sb.reset();
					await pickOption(credModal(), 'authType', 'Client ID and Secret (Basic)');
					await field('clientId').fill(CLIENT_ID);
					await field('clientSecret').fill(CLIENT_SECRET);
					await saveAndWaitForTest('ok');
					probes(`GET /jelouapi/v1/external-support/${PROJECT} 404 basic`);

					// Back to the right API key for the run.
					sb.reset();
					await pickOption(credModal(), 'authType', 'API Key');
					await field('apiKey').fill(API_KEY);
					await saveAndWaitForTest('ok');
					probes(`GET /jelouapi/v1/external-support/${PROJECT} 404 api_key`);

					await credModal()
						.locator('.el-dialog__headerbtn, button[aria-label="Close this dialog"]')
						.first()
						.click();
					await credModal().waitFor({ state: 'hidden', timeout: 10_000 });
					const selected = await ndv()
						.locator('[data-test-id="node-credentials-select"] input')
						.first()
						.inputValue();
					assert.equal(selected, 'Jelou account', 'the node uses the new credential');
				},
			);

			step('execute Conversation → Get: the output panel shows the conversation', async () => {
				await paramItem('projectId').locator('input').first().fill(PROJECT);
				await paramItem('conversationId').locator('input').first().fill(CONVERSATION);
				await page.mouse.move(5, 5);
				sb.reset();
				const run = ndv().locator('[data-test-id="node-execute-button"]');
				assert.match(
					await run.innerText(),
					/Execute step|Test step|Execute node|Test node/i,
					'the node has its execute button',
				);
				await run.click();
				const output = ndv().locator('[data-test-id="output-panel"]');
				const success = output.locator(
					'[data-test-id="node-run-status-success"], [data-test-id="node-run-info"]',
				);
				const done = await waitUntil(
					async () => {
						if (await success.first().isVisible()) return 'ok';
						const t = await output.innerText();
						if (/error|problem in node/i.test(t) && !/_id/.test(t))
							return `error: ${t.slice(0, 500)}`;
						return false;
					},
					{ timeout: 60_000, message: 'the node finished running' },
				);
				assert.equal(done, 'ok', 'the node ran without an error');
				const json = output.locator('[data-test-id="radio-button-json"]');
				if (await json.isVisible()) await json.click();
				const text = await waitUntil(
					async () => {
						const t = await output.innerText();
						return /"endedReason"/.test(t) && t;
					},
					{ timeout: 15_000, message: 'the output panel shows the item as JSON' },
				);
				// Version 2's default Output is Simplified: the flat record, `conversationId` first.
				for (const [key, value] of [
					['conversationId', CONVERSATION],
					['state', 'closed'],
					['endedReason', 'closed_by_operator'],
					['startAt', '2026-01-15T10:30:00.000Z'],
					['endAt', '2026-01-15T10:45:00.000Z'],
				]) {
					assert.match(
						text,
						new RegExp(`"${key}":\\s*"${value}"`),
						`the output shows "${key}": "${value}"`,
					);
				}
				assert.match(text, /1 item/, 'one item came out');
				assert.deepEqual(
					sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`),
					[
						`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CONVERSATION} 200 api_key`,
					],
					'the request the sandbox answered',
				);
				await page.mouse.move(5, 5);
				await shot('05-output.png');
			});
			step(
				'Jelou Trigger with Download Media: a media message shows its file as binary data',
				async () => {
					// A saved workflow with the trigger (Download Media on) and a credential with a signing secret.
					const created = await rest.request('POST', '/rest/credentials', {
						name: 'Jelou media',
						type: 'jelouApi',
						data: {
							authType: 'apiKey',
							apiKey: API_KEY,
							baseUrl: sb.baseUrl,
							projectId: PROJECT,
							signingSecret: SIGNING_SECRET,
						},
					});
					assert.equal(
						created.status,
						200,
						`POST /rest/credentials: ${created.text.slice(0, 300)}`,
					);
					const credential = { id: created.json.data.id, name: created.json.data.name };
					const webhookId = wf.webhookUuid(`ui-media-${rt.line}`);
					const trigger = wf.jelouTrigger({ credential, webhookId, events: ['message'] });
					trigger.parameters.downloadMedia = true;
					const { name, active, nodes, connections, settings } = wf.workflow({
						id: 'unused', // n8n gives the workflow its id
						name: 'Save what end users send',
						nodes: [trigger],
						connections: {},
					});
					const saved = await rest.request('POST', '/rest/workflows', {
						name,
						active,
						nodes,
						connections,
						settings,
					});
					assert.equal(saved.status, 200, `POST /rest/workflows: ${saved.text.slice(0, 300)}`);
					const workflowId = saved.json.data.id;

					// A fresh tab: the previous one holds an unsaved workflow (its "leave?" prompt).
					const old = page;
					page = await browser.context.newPage();
					page.setDefaultTimeout(20_000);
					page.setDefaultNavigationTimeout(60_000);
					await old.close();
					await page.goto(`${server.url}/workflow/${workflowId}`, {
						waitUntil: 'domcontentloaded',
					});
					const node = page
						.locator('[data-test-id="canvas-node"]')
						.filter({ hasText: 'Jelou Trigger' });
					assert.ok(await appears(node, 60_000), 'the workflow shows the Jelou Trigger');
					await node.first().dblclick();
					assert.ok(await appears(ndv(), 30_000), 'double-clicking the trigger opens it');
					const downloadMedia = paramItem('downloadMedia');
					assert.ok(await appears(downloadMedia), 'the trigger shows Download Media');
					assert.equal(
						await downloadMedia.locator('.el-switch.is-checked').count(),
						1,
						'Download Media is on',
					);

					const listen = ndv().locator('[data-test-id="trigger-execute-button"]');
					assert.ok(await appears(listen), 'the trigger offers "Listen for test event"');
					await listen.first().click();
					assert.ok(
						await appears(ndv().locator('[data-test-id="trigger-listening"]'), 30_000),
						'the trigger listens for a test event',
					);
					// n8n registers the test webhook right after the click: until then it answers 404.
					sb.reset();
					const testUrl = `${server.url}/webhook-test/${webhookId}/jelou`;
					const sent = await waitUntil(
						async () => {
							const out = await sb.emit({
								media: 'document',
								webhookUrl: testUrl,
								signingSecret: SIGNING_SECRET,
							});
							return out.status === 404 ? false : out;
						},
						{ timeout: 30_000, interval: 500, message: `${testUrl} accepts the event` },
					);
					assert.equal(sent.status, 200, `the test webhook answered ${sent.status} ${sent.body}`);

					const output = ndv().locator('[data-test-id="output-panel"]');
					const binaryTab = output.locator('[data-test-id="radio-button-binary"]');
					assert.ok(
						await appears(binaryTab, 60_000),
						'the output panel offers the Binary view of the event',
					);
					await binaryTab.first().click();
					const { filename, mime } = MEDIA_MESSAGES.document;
					const card = output.locator('[data-test-id="ndv-binary-data_0"]');
					assert.ok(await appears(card), 'the output shows a binary file');
					const text = await waitUntil(
						async () => {
							const t = await card.first().innerText();
							return t.includes(filename) && t;
						},
						{ timeout: 15_000, message: `the binary file is named ${filename}` },
					);
					const lines = text.split('\n').map((l) => l.trim());
					assert.equal(lines[0], 'data', `the binary property is "data" (card: ${text})`);
					assert.match(text, new RegExp(`File Name:\\s*${filename}`), 'the file name');
					assert.match(
						text,
						new RegExp(`Mime Type:\\s*${mime.replace('/', '\\/')}`),
						'the MIME type',
					);
					// The file came from the sandbox's media host, with none of Jelou's secrets.
					const media = sb.requests.filter((r) => r.path.startsWith('/media/'));
					assert.deepEqual(
						media.map((r) => `${r.method} ${r.path} ${r.status}`),
						[`GET /media/${MEDIA_MESSAGES.document.file} 200`],
						'what the media host answered',
					);
					for (const header of ['authorization', 'x-api-key', 'x-jelou-signature'])
						assert.equal(media[0].headers[header], undefined, `${header} sent to the media host`);
					// The "Node executed successfully" toast would hide part of the panel.
					for (const close of await page.locator('.el-notification__closeBtn:visible').all())
						await close.click().catch(() => {});
					await page.mouse.move(5, 5);
					await shot('06-trigger-media.png');
				},
			);
		},
	);
}
