/**
 * docs/grafana/simkeep.json and docs/grafana/alerts.yml against the server: every metric
 * an expression names is one a running app exposes at /metrics, so a renamed or dropped
 * metric cannot leave a panel or an alert silently blank. And every panel is a question
 * (its description) over the dashboard's data source variable.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { type Harness, SANDBOX_ON, startHarness } from '../support/harness.js';
import { declaredFamilies, METRICS_TOKEN, scrape } from '../support/metrics.js';

interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}

const dashboard = JSON.parse(fs.readFileSync('docs/grafana/simkeep.json', 'utf8')) as { panels: Panel[]; templating: { list: { name: string }[] } };
/** The data source as a Grafana variable, chosen when the dashboard is imported. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template string.
const DATA_SOURCE = '${DS_PROMETHEUS}';
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const alertExpressions = [...fs.readFileSync('docs/grafana/alerts.yml', 'utf8').matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);

/** The metric names in a PromQL expression: ours and the process's (prom-client's default metrics). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:simkeep|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

/** A histogram's series are its family's name with `_bucket`, `_count` or `_sum`. */
function familyOf(name: string, families: Map<string, string>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return families.get(base) === 'histogram' || families.get(base) === 'summary' ? base : undefined;
}

describe('the Grafana dashboard', () => {
  it('has a panel per question, each over the DS_PROMETHEUS data source variable', () => {
    expect(panels.length).toBeGreaterThanOrEqual(15);
    expect(dashboard.templating.list.map((v) => v.name)).toContain('DS_PROMETHEUS');
    for (const panel of panels) {
      expect(panel.description, panel.title).toMatch(/\?/);
      expect(panel.datasource?.uid, panel.title).toBe(DATA_SOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(DATA_SOURCE);
    }
    expect(new Set(panels.map((p) => p.title)).size).toBe(panels.length);
  });
});

describe.each(DIALECTS)('the dashboard and the alerts name only metrics the server exposes, on %s', (dialect) => {
  let h: Harness;
  let families: Map<string, string>;
  beforeAll(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_METRICS_TOKEN: METRICS_TOKEN });
    // As `serve` and `worker` have them: Node's own metrics besides ours.
    h.services.metrics.withProcessMetrics();
    families = declaredFamilies(await scrape(h));
  });
  afterAll(() => h?.close());

  it('in every panel', () => {
    const unknown = panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((t) =>
        metricsIn(t.expr)
          .filter((name) => !familyOf(name, families))
          .map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr))).length).toBeGreaterThan(panels.length - 1);
    expect(unknown).toEqual([]);
  });

  it('in every alert rule', () => {
    expect(alertExpressions.length).toBeGreaterThanOrEqual(5);
    const unknown = alertExpressions.flatMap((expr) => metricsIn(expr).filter((name) => !familyOf(name, families)));
    expect(unknown).toEqual([]);
  });

  it('and the dashboard shows each of the server’s own families', () => {
    const shown = new Set(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr).map((name) => familyOf(name, families)))));
    const ours = [...families.keys()].filter((name) => name.startsWith('simkeep_'));
    expect(ours.filter((name) => !shown.has(name))).toEqual([]);
  });
});
