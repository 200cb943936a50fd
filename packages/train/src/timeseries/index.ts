export { TsMlp, trainTsMlp, type MlpTrainOptions } from './mlp.ts';
export { kStepPredictions, feedbackPredictions, mse, type WindowPredictor } from './forecast.ts';
export { seriesChartSpec, type SeriesLine } from './chart.ts';
export { runTimeseries, type TimeseriesOptions, type TimeseriesResult } from './run.ts';
