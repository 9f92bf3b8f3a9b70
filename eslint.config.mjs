// The lint configuration n8n scaffolds for community nodes (`@n8n/node-cli/eslint`, what
// `n8n-node lint` and n8n's starter use), taken as is. `npm run lint` and `n8n-node lint` both run
// `eslint .` with this file. Two additions, both config-level and explained where they are:
//  - package.json: the author email rule is left to the release check, until a maintainer adds one;
//  - test/: the TypeScript rules and n8n's community rules, except the three that only make sense
//    for code that runs inside n8n.
//  - tools/ (the test rig: Node scripts, never loaded by n8n): ESLint's recommended rules for
//    JavaScript in Node, instead of n8n's rules for node code.
// Other plain JavaScript (gulpfile, jest config) gets no rules from n8n's config, as in n8n's
// starter: its rules target `**/*.ts` and package.json, the code n8n loads.
import js from '@eslint/js';
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';
import globals from 'globals';

export default [
	...config,
	// The test rig's pinned n8n installs: n8n's code, never ours to lint.
	globalIgnores(['tools/runtime/']),
	{
		// The test rig runs in plain Node (20 and 24), as scripts and `node --test` files, next to
		// n8n rather than inside it: n8n's community rules (no timers, no process, no node:http,
		// no child processes) are for code n8n loads, and the rig's job is to start servers and
		// processes. It gets ESLint's recommended rules for JavaScript and Node's globals; its
		// types are checked by `npm run typecheck:tools` (tools/tsconfig.json).
		files: ['tools/**/*.js', 'tools/**/*.mjs'],
		...js.configs.recommended,
		languageOptions: {
			ecmaVersion: 2023,
			sourceType: 'commonjs',
			globals: { ...globals.node },
		},
		rules: {
			...js.configs.recommended.rules,
			// `const { key: _omitted, ...rest } = value` is how the rig builds "without key" objects.
			'no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
	{
		files: ['tools/**/*.mjs'],
		languageOptions: { sourceType: 'module' },
	},
	{
		files: ['package.json'],
		rules: {
			// n8n requires an author email. We publish none we cannot vouch for: until a maintainer
			// adds a real one (README, Releasing), `npm run check:package` lists it as the one thing
			// to do and `npm run check:package -- --release` (the release workflow) fails on it, with
			// n8n's own scanner. Every other rule of n8n's set stays on.
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
	{
		// Unit tests are not part of the package (tsconfig.json does not compile them, `files` does
		// not publish them). They run under jest in plain Node, not in n8n or n8n Cloud, so:
		//  - no-restricted-imports / no-restricted-globals (n8n Cloud's sandbox for node code):
		//    tests start loopback HTTP servers (node:http, node:net) and drive timers;
		//  - no-hardcoded-secrets: the fixtures' fake API keys and signing secrets are the values
		//    tests assert never leak; renaming them to dodge the rule would hide that.
		// Every other rule (TypeScript's and n8n's) applies to tests as to the package.
		files: ['test/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			// `const { key: _omitted, ...rest } = value` is how tests build "without key" objects.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
];
