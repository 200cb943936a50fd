// The TF.js MLP itself stays internal: its declarations would load TensorFlow.js's (see lm/index.ts).
export { kStepPredictions, feedbackPredictions, mse, type WindowPredictor } from './forecast.ts';
export { seriesChartSpec, type SeriesLine } from './chart.ts';
export { runTimeseries, type TimeseriesOptions, type TimeseriesResult, type ResolvedTimeseriesOptions } from './run.ts';
export {
  SINE_CORPUS,
  SERIES_KEYS,
  mseKey,
  timeseriesTraining,
  seriesSpecOf,
  exportTimeseries,
  writeTimeseriesModel,
  type SeriesSpec,
  type ExportTimeseriesOptions,
  type ExportedTimeseries,
} from './artifact.ts';
