/**
 * Retention forecasting: who still comes back to the service lane, how
 * often, and what they are worth. Transaction summaries, the BG/NBD and
 * Pareto/NBD visit models, the Gamma-Gamma spend model and customer lifetime
 * value, Kaplan-Meier survival curves with the log-rank test, service-due
 * and churn-risk forecasts.
 *
 * @packageDocumentation
 */
export * from './summary.js';
export type { VisitHistory } from './history.js';
export type { RetentionFitOptions, RetentionFitDiagnostics } from './fit.js';
export type { VisitForecastColumns } from './forecast.js';
export {
  fitBgNbd,
  bgNbdProbabilityAlive,
  bgNbdExpectedVisits,
  bgNbdConditionalExpectedVisits,
  bgNbdVisitProbability,
  bgNbdConditionalVisitProbability,
  predictBgNbd,
  type BgNbdParameters,
  type BgNbdFit,
  type BgNbdFitOptions,
} from './bg-nbd.js';
export {
  fitParetoNbd,
  paretoNbdProbabilityAlive,
  paretoNbdExpectedVisits,
  paretoNbdConditionalExpectedVisits,
  paretoNbdVisitProbability,
  paretoNbdConditionalVisitProbability,
  predictParetoNbd,
  type ParetoNbdParameters,
  type ParetoNbdFit,
  type ParetoNbdFitOptions,
} from './pareto-nbd.js';
export {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  observedMeanSpend,
  type ObservedMeanSpend,
  type GammaGammaParameters,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type SpendHistory,
} from './gamma-gamma.js';
export * from './clv.js';
export * from './kaplan-meier.js';
export * from './service-due.js';
export * from './churn-risk.js';
export {
  minimizeQuasiNewton,
  type QuasiNewtonObjective,
  type QuasiNewtonOptions,
  type QuasiNewtonResult,
} from './optimize.js';
