export { sineSeries, type SineSeriesOptions, type TimeSeries } from './synthetic.ts';
export { windowFeatures, type WindowData } from './windows.ts';
