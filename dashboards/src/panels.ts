/** Small panel factories: every query names its datasource variable and has a refId. */
import {
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  SortOrder,
  StackingMode,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
  StackingConfigBuilder,
  GraphDrawStyle,
} from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as LogsPanelBuilder } from "@grafana/grafana-foundation-sdk/logs";
import { DataqueryBuilder as LokiQueryBuilder } from "@grafana/grafana-foundation-sdk/loki";
import { DataqueryBuilder as PrometheusQueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { LOKI, PROMETHEUS } from "./variables.js";

/** One PromQL query of a panel. */
export interface PromQuery {
  readonly expr: string;
  /** Series name in the legend (Grafana template, e.g. `{{outcome}}`). */
  readonly legend: string;
}

/** A time-series panel. */
export interface TimeseriesSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly PromQuery[];
  /** Grid width out of 24. @default 12 */
  readonly width?: number;
  /** Stack the series (for counts split by a label). @default false */
  readonly stacked?: boolean;
  /** Draw bars instead of lines. @default false */
  readonly bars?: boolean;
}

const REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function refId(index: number): string {
  const id = REF_IDS[index];
  if (id === undefined)
    throw new Error(`a panel may have at most ${REF_IDS.length} queries, got index ${index}`);
  return id;
}

/** The legend every time-series panel shows: a list below the graph, no calculations. */
function listLegendAtBottom(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom)
    .calcs([]);
}

/** The tooltip every time-series panel shows: all series at the hovered time, largest first. */
function allSeriesTooltip(): VizTooltipOptionsBuilder {
  return new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending);
}

/** Stacking of a stacked time-series panel: every series in one stack. */
function normalStacking(): StackingConfigBuilder {
  return new StackingConfigBuilder().mode(StackingMode.Normal).group("A");
}

/** A Prometheus time-series panel. */
export function timeseries(spec: TimeseriesSpec): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .min(0)
    .span(spec.width ?? 12)
    .height(8)
    .fillOpacity(spec.stacked === true || spec.bars === true ? 60 : 10)
    .drawStyle(spec.bars === true ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .legend(listLegendAtBottom())
    .tooltip(allSeriesTooltip());
  if (spec.stacked === true) panel.stacking(normalStacking());
  spec.queries.forEach((query, index) => {
    panel.withTarget(
      new PrometheusQueryBuilder()
        .datasource(PROMETHEUS)
        .refId(refId(index))
        .expr(query.expr)
        .legendFormat(query.legend)
        .range(),
    );
  });
  return panel;
}

/** A Loki logs panel. */
export function logs(spec: {
  title: string;
  description: string;
  expr: string;
  width?: number;
}): LogsPanelBuilder {
  return new LogsPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(LOKI)
    .span(spec.width ?? 24)
    .height(12)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(LogsSortOrder.Descending)
    .withTarget(new LokiQueryBuilder().datasource(LOKI).refId("A").expr(spec.expr));
}

/** A Loki time-series panel (a LogQL metric query). */
export function logVolume(spec: {
  title: string;
  description: string;
  expr: string;
  legend: string;
  width?: number;
}): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(LOKI)
    .unit("short")
    .min(0)
    .span(spec.width ?? 12)
    .height(8)
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(60)
    .stacking(normalStacking())
    .legend(listLegendAtBottom())
    .tooltip(allSeriesTooltip())
    .withTarget(new LokiQueryBuilder().datasource(LOKI).refId("A").expr(spec.expr).legendFormat(spec.legend));
}
