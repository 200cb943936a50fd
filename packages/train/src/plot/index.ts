export { zipfChartSpec, ngramLabel, type RankFrequencySeries, type ZipfChartOptions } from './zipf-chart.ts';
export { renderSvg } from './render-svg.ts';
