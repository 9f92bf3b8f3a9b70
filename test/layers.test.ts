import fs from 'node:fs';
import path from 'node:path';

/**
 * The package's layers, lowest first (docs/architecture.md explains each). A file may import from
 * a lower layer, or from its own room (the folder or file named here); never from a higher layer,
 * and never from another room of its own layer (actions, the trigger and the node's methods do not
 * use each other). A room ending in `/` is a folder, any other is one file.
 */
const LAYERS: string[][] = [
	['shared/'],
	['credentials/'],
	['nodes/Jelou/types.ts'],
	['nodes/Jelou/helpers/'],
	['nodes/Jelou/transport/'],
	['nodes/Jelou/actions/', 'nodes/Jelou/trigger/', 'nodes/Jelou/methods/'],
	['nodes/Jelou/Jelou.node.ts', 'nodes/Jelou/JelouTrigger.node.ts'],
	['index.ts'],
];

const ROOT = path.resolve(__dirname, '..');

interface Place {
	layer: number;
	room: string;
}

/** The room a file belongs to (the longest that holds it), and its layer. */
function placeOf(file: string): Place | undefined {
	let found: Place | undefined;
	LAYERS.forEach((rooms, layer) => {
		for (const room of rooms) {
			const holds = room.endsWith('/') ? file.startsWith(room) : file === room;
			if (holds && (!found || room.length > found.room.length)) found = { layer, room };
		}
	});
	return found;
}

/** Every relative module a TypeScript file imports or re-exports. */
function relativeImports(source: string): string[] {
	const specifiers: string[] = [];
	const pattern = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*)['"](\.[^'"]*)['"]/g;
	for (const match of source.matchAll(pattern)) specifiers.push(match[1]);
	return specifiers;
}

/** A relative specifier as a repository path, the way TypeScript resolves it. */
function resolveImport(fromFile: string, specifier: string): string {
	const base = path.posix.join(path.posix.dirname(fromFile), specifier);
	for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
		const full = path.join(ROOT, candidate);
		if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
	}
	return base;
}

/** What is wrong with one import, or undefined when it runs down or stays in its room. */
function problemOf(fromFile: string, toFile: string): string | undefined {
	const from = placeOf(fromFile);
	const to = placeOf(toFile);
	if (!from || !to) return `${fromFile} → ${toFile}: outside every layer`;
	if (from.room === to.room || to.layer < from.layer) return undefined;
	const how = to.layer > from.layer ? 'runs up' : 'runs sideways';
	return `${fromFile} → ${toFile}: ${how} (${from.room} → ${to.room})`;
}

function sourceFiles(dir: string): string[] {
	const files: string[] = [];
	for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
		const rel = path.posix.join(dir, entry.name);
		if (entry.isDirectory()) files.push(...sourceFiles(rel));
		else if (entry.name.endsWith('.ts')) files.push(rel);
	}
	return files;
}

const PRODUCT = [
	...sourceFiles('shared'),
	...sourceFiles('nodes'),
	...sourceFiles('credentials'),
	'index.ts',
];

describe('layers of the package', () => {
	it('places every product file in a layer', () => {
		expect(PRODUCT.length).toBeGreaterThan(30);
		expect(PRODUCT.filter((file) => !placeOf(file))).toEqual([]);
	});

	it('has no import that runs up or sideways', () => {
		const problems: string[] = [];
		for (const file of PRODUCT) {
			const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
			for (const specifier of relativeImports(source)) {
				const problem = problemOf(file, resolveImport(file, specifier));
				if (problem) problems.push(problem);
			}
		}
		expect(problems).toEqual([]);
	});

	it('reads the imports it judges', () => {
		const credential = fs.readFileSync(
			path.join(ROOT, 'credentials/JelouApi.credentials.ts'),
			'utf8',
		);
		expect(relativeImports(credential).map((s) => resolveImport('credentials/x.ts', s))).toEqual([
			'shared/signing.ts',
		]);
		expect(
			relativeImports(
				"import { a } from './a';\nexport { b } from '../b';\nimport type { C } from './c';",
			),
		).toEqual(['./a', '../b', './c']);
	});

	it('flags an import that runs up, and one between rooms of a layer', () => {
		expect(problemOf('shared/ids.ts', 'nodes/Jelou/transport/errors.ts')).toMatch(/runs up/);
		expect(problemOf('credentials/JelouApi.credentials.ts', 'nodes/Jelou/helpers/tool.ts')).toMatch(
			/runs up/,
		);
		expect(problemOf('nodes/Jelou/helpers/tool.ts', 'nodes/Jelou/transport/index.ts')).toMatch(
			/runs up/,
		);
		expect(problemOf('nodes/Jelou/trigger/webhook.ts', 'nodes/Jelou/actions/router.ts')).toMatch(
			/runs sideways/,
		);
		expect(problemOf('nodes/Jelou/transport/client.ts', 'shared/ids.ts')).toBeUndefined();
		expect(
			problemOf('nodes/Jelou/transport/client.ts', 'nodes/Jelou/transport/errors.ts'),
		).toBeUndefined();
	});
});
