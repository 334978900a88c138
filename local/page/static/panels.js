// Grafana's panel semantics the page needs: template variables, legends, units, $__rate_interval.

/** Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval). */
export function rateInterval(stepSeconds, scrapeSeconds) {
  return `${Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds)}s`;
}

/** Replace $name and ${name} by the variables' values (longest names first). */
export function resolveVariables(expr, values) {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  let out = expr;
  for (const name of names)
    out = out.split(`\${${name}}`).join(values[name]).split(`$${name}`).join(values[name]);
  return out;
}

/** A legend from Grafana's legendFormat: {{label}} becomes the series' label value. */
export function legendOf(format, metric) {
  if (!format) return JSON.stringify(metric);
  return format.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name) => metric[name] ?? "");
}

const SI = ["", "K", "Mil", "Bil", "Tri"];

/** Format a value in a Grafana unit: short, s, suffix:<text>, none. */
export function formatValue(unit, value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (unit === "s") {
    const abs = Math.abs(value);
    if (abs === 0) return "0 s";
    if (abs < 0.001) return `${(value * 1e6).toPrecision(3)} µs`;
    if (abs < 1) return `${(value * 1000).toPrecision(3)} ms`;
    if (abs < 60) return `${value.toPrecision(3)} s`;
    return `${(value / 60).toPrecision(3)} min`;
  }
  if (typeof unit === "string" && unit.startsWith("suffix:"))
    return `${short(value)}${unit.slice("suffix:".length)}`;
  return short(value);
}

function short(value) {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 2 : 1);
  return i === 0 ? text : `${text} ${SI[i]}`;
}

/** The panels of a dashboard in layout order, rows included (Grafana's flat or nested rows). */
export function flattenPanels(dashboard) {
  const out = [];
  for (const panel of dashboard.panels ?? []) {
    out.push(panel);
    if (panel.type === "row") for (const nested of panel.panels ?? []) out.push(nested);
  }
  return out;
}
