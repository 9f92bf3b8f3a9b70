// n8n's lint rules for community nodes, composed from the packages that hold them: the same
// configuration as the `eslint` export of n8n's node CLI (@n8n/node-cli 0.48), which we do not
// install because it pulls in an n8n-workflow 2.x runtime that needs Node >= 24.
//  - @eslint/js and typescript-eslint recommended, import-x recommended (TypeScript resolver);
//  - @n8n/eslint-plugin-community-nodes `recommended` (on the sources and on package.json);
//  - eslint-plugin-n8n-nodes-base: the `community` set on package.json, `credentials` on
//    credentials/, `nodes` on nodes/, with the same rules switched off as in n8n's CLI.
// tools/scripts/check-package.mjs re-lints the packed tarball and the sources with `n8nScanConfig`
// below and inline `eslint-disable` comments ignored, as n8n's verification does.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityRecommended = n8nCommunityNodesPlugin.configs.recommended;

// Rules of eslint-plugin-n8n-nodes-base that n8n's CLI and scanner switch off for community nodes.
const credentialRules = {
	...n8nNodesBase.configs.credentials.rules,
	// Not valid for community nodes.
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
	// The community plugin's credential-password-field rule replaces it.
	'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
};
const nodeRules = {
	...n8nNodesBase.configs.nodes.rules,
	// Inputs and outputs are NodeConnectionTypes values, not the string 'main'.
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
	'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
};

const jsonFiles = {
	languageOptions: {
		parser: tseslint.parser,
		parserOptions: { extraFileExtensions: ['.json'] },
	},
};

export default tseslint.config(
	globalIgnores(['dist']),
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityRecommended,
			importX.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		files: ['package.json'],
		extends: [communityRecommended],
		rules: {
			...n8nNodesBase.configs.community.rules,
			// n8n requires an author email. We publish none we cannot vouch for, so until a maintainer
			// adds a real one this rule is enforced by `npm run check:package -- --release` (the
			// release workflow), not by every lint run. The only rule of n8n's set not on here.
			'@n8n/community-nodes/valid-author': 'off',
		},
		...jsonFiles,
	},
	{ files: ['./credentials/**/*.ts'], rules: credentialRules },
	{ files: ['./nodes/**/*.ts'], rules: nodeRules },
);

/**
 * The configuration n8n's verification scanner (@n8n/scan-community-package 0.32) lints a package
 * with: community plugin `recommended`, `no-console`, the three eslint-plugin-n8n-nodes-base sets
 * (the `.ts` globs apply to sources only) and the TypeScript parser for JSON. Used by
 * tools/scripts/check-package.mjs on the tarball (compiled .js, package.json) and on the sources.
 */
export const n8nScanConfig = [
	communityRecommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{ files: ['**/credentials/**/*.ts'], rules: credentialRules },
	{ files: ['**/nodes/**/*.ts'], rules: nodeRules },
	{ files: ['**/*.json'], ...jsonFiles },
	// The nodes/credentials rule sets walk a TypeScript AST.
	{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
];

/** The file patterns n8n's scanner lints in a source checkout. */
export const SOURCE_FILE_PATTERNS = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
