'use strict';
// Two small line charts as self-contained SVG text (no network, no dependencies): the bench
// draws them itself so that `npm run bench` reproduces docs/benchmarks.md with its figures.

const COLORS = ['#d9480f', '#1971c2', '#2f9e44', '#7048e8', '#e8590c', '#0c8599'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" upper bound and step for an axis from 0 to max. */
function niceAxis(max) {
	if (!(max > 0)) return { top: 1, step: 0.2 };
	const raw = max / 5;
	const mag = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw) || 10 * mag;
	return { top: Math.ceil(max / step) * step, step };
}

const fmt = (v) =>
	Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);

/**
 * @param {object} o
 * @param {string} o.title
 * @param {string} o.xLabel
 * @param {string} o.yLabel
 * @param {Array<{name: string, points: Array<[number, number]>, step?: boolean, dashed?: boolean, markers?: boolean}>} o.series
 * @param {Array<{y: number, name: string}>} [o.hlines] horizontal reference lines
 * @param {number} [o.width]
 * @param {number} [o.height]
 */
function lineChart({ title, xLabel, yLabel, series, hlines = [], width = 760, height = 400 }) {
	const m = { left: 64, right: 16, top: 36, bottom: 48 };
	const legendH = 18 * (series.length + hlines.length);
	const H = height + legendH;
	const pw = width - m.left - m.right;
	const ph = height - m.top - m.bottom;
	const all = series.flatMap((s) => s.points);
	const xMax = niceAxis(Math.max(1e-9, ...all.map((p) => p[0]))).top;
	const yAxis = niceAxis(Math.max(1e-9, ...all.map((p) => p[1]), ...hlines.map((h) => h.y)));
	const X = (x) => m.left + (x / xMax) * pw;
	const Y = (y) => m.top + ph - (y / yAxis.top) * ph;
	const out = [];
	out.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="12">`,
	);
	out.push(`<rect width="${width}" height="${H}" fill="#fff"/>`);
	out.push(
		`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
	);
	const xStep = niceAxis(xMax).step;
	for (let v = 0; v <= yAxis.top + 1e-9; v += yAxis.step) {
		out.push(
			`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e9ecef"/>`,
		);
		out.push(`<text x="${m.left - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
	}
	for (let v = 0; v <= xMax + 1e-9; v += xStep) {
		out.push(`<line x1="${X(v)}" x2="${X(v)}" y1="${m.top}" y2="${m.top + ph}" stroke="#f1f3f5"/>`);
		out.push(`<text x="${X(v)}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(v)}</text>`);
	}
	out.push(
		`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#495057"/>`,
	);
	out.push(
		`<text x="${m.left + pw / 2}" y="${m.top + ph + 36}" text-anchor="middle">${esc(xLabel)}</text>`,
	);
	out.push(
		`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
	);
	series.forEach((s, i) => {
		const color = COLORS[i % COLORS.length];
		const pts = [];
		s.points.forEach(([x, y], k) => {
			if (s.step && k > 0) pts.push(`${X(x).toFixed(1)},${Y(s.points[k - 1][1]).toFixed(1)}`);
			pts.push(`${X(x).toFixed(1)},${Y(y).toFixed(1)}`);
		});
		out.push(
			`<polyline fill="none" stroke="${color}" stroke-width="${s.step ? 1.2 : 2}"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`,
		);
		if (s.markers)
			for (const [x, y] of s.points)
				out.push(
					`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3.5" fill="${color}"/>`,
				);
	});
	hlines.forEach((h, i) => {
		const color = COLORS[(series.length + i) % COLORS.length];
		out.push(
			`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(h.y)}" y2="${Y(h.y)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="3 3"/>`,
		);
	});
	const legend = [
		...series.map((s, i) => ({
			name: s.name,
			color: COLORS[i % COLORS.length],
			dash: s.dashed ? '6 4' : '',
		})),
		...hlines.map((h, i) => ({
			name: h.name,
			color: COLORS[(series.length + i) % COLORS.length],
			dash: '3 3',
		})),
	];
	legend.forEach((l, i) => {
		const y = height + 4 + i * 18;
		out.push(
			`<line x1="${m.left}" x2="${m.left + 28}" y1="${y}" y2="${y}" stroke="${l.color}" stroke-width="2"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`,
		);
		out.push(`<text x="${m.left + 36}" y="${y + 4}">${esc(l.name)}</text>`);
	});
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}

module.exports = { lineChart };
