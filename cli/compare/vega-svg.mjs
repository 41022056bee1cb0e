// Renders vega-lite specs to SVG strings: stdin {"specs": [...]} -> stdout [{"svg"} | {"error"}].
// A separate process because vega@6 is ESM with top-level await, which neither require() nor
// Jest's CommonJS runtime can load; a plain Node child can.
import * as vega from 'vega';
import * as vl from 'vega-lite';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const { specs } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = [];
for (const spec of specs) {
  try {
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
    out.push({ svg: await view.toSVG() });
    view.finalize();
  } catch (e) {
    out.push({ error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(out));
