import { CrmError, ValidationError } from '../core/index.js';
import { hessianFromGradient, invertPositiveDefinite, minimizeQuasiNewton, type QuasiNewtonObjective } from './optimize.js';

/**
 * Options shared by the maximum-likelihood fits ({@link fitBgNbd},
 * {@link fitParetoNbd}, {@link fitGammaGamma}).
 */
export interface RetentionFitOptions<P> {
  /**
   * L2 penalty coefficient, as lifetimes' `penalizer_coef`: the fit minimises
   * `-LL / N + penalty · Σ (θ / s)²` over the natural parameters θ, where `s`
   * is 1 for a dimensionless parameter and, for a parameter measured in the
   * data's unit, a scale of the data: Gamma-Gamma's `gamma` is penalised
   * relative to the mean repeat spend (`penalty · (p² + q² + (γ/m̄)²)`), so
   * that the penalty means the same in fen, yuan or dollars. (lifetimes
   * penalises γ itself, which in minor units — γ of the order of the spend —
   * crushes it.) The visit models penalise their parameters as lifetimes does.
   * Default 0 (plain maximum likelihood). Standard errors then come from the
   * penalised objective's curvature.
   */
  readonly penalty?: number;
  /** Starting values for some or all parameters (positive); sensible data-based values otherwise. */
  readonly initial?: Partial<P>;
  /** Largest number of optimiser iterations; default 500. */
  readonly maxIterations?: number;
  /**
   * Converged when every component of the gradient of the mean negative
   * log-likelihood with respect to the log parameters is at most this; default 1e-8.
   */
  readonly gradientTolerance?: number;
  /**
   * What a fit that does not converge does: `'throw'` (default) throws a
   * `CrmError` with code `NOT_CONVERGED` whose `details` carry the last
   * parameters, log-likelihood and reason; `'return'` returns the fit with
   * `converged: false` and the `reason`.
   */
  readonly onNonConvergence?: 'throw' | 'return';
}

/** How a maximum-likelihood fit went: convergence, effort, and the data it saw. */
export interface RetentionFitDiagnostics {
  /** The maximised log-likelihood (without the penalty), summed over customers. */
  readonly logLikelihood: number;
  /** Whether the optimiser met its gradient tolerance at finite parameters. */
  readonly converged: boolean;
  /** Why the optimiser stopped, in words. */
  readonly reason: string;
  /** Optimiser iterations. */
  readonly iterations: number;
  /** Likelihood evaluations (each with its gradient). */
  readonly evaluations: number;
  /** Largest gradient component of the mean objective in log parameters at the end. */
  readonly gradientNorm: number;
  /** Customers the fit used. */
  readonly customers: number;
  /** Distinct histories evaluated (customers with equal data are evaluated once). */
  readonly distinctHistories: number;
  /** The L2 penalty coefficient used. */
  readonly penalty: number;
}

/** What a model hands to {@link maximizeLikelihood}. */
export interface LikelihoodSpec<K extends string> {
  /** For messages: `'BG/NBD'`, `'Pareto/NBD'`, … */
  readonly model: string;
  /** Parameter names, in the order of the vectors below. */
  readonly names: readonly K[];
  /** Total log-likelihood at natural parameters; writes `∂LL/∂param` into `gradient`. */
  readonly logLikelihood: (params: Float64Array, gradient: Float64Array) => number;
  /** Customers behind the likelihood (the sum of the weights). */
  readonly customers: number;
  readonly distinctHistories: number;
  /** Data-based starting values. */
  readonly start: Readonly<Record<K, number>>;
  /**
   * The size of parameters measured in the data's unit (e.g. Gamma-Gamma's γ,
   * a rate on the spend scale: the mean spend); others are 1. The penalty
   * and the runaway check see `param / scale`, so a fit on data in another
   * unit gives the same estimates, rescaled.
   */
  readonly scale?: Readonly<Partial<Record<K, number>>>;
}

/** The result of {@link maximizeLikelihood}. */
export interface LikelihoodFit<K extends string> extends RetentionFitDiagnostics {
  readonly params: Readonly<Record<K, number>>;
  readonly standardErrors: Readonly<Record<K, number>> | null;
}

/** Parameters whose log (relative to their scale) runs past this are reported as not identified. */
const LOG_PARAMETER_LIMIT = 20;
/** A failed fit names the parameters whose log moved further than this from the start (a factor 10⁴). */
const DRIFT_LIMIT = Math.log(1e4);

/**
 * Maximises a log-likelihood over positive parameters: BFGS in log space with
 * the analytic gradient, then standard errors from the Hessian (central
 * differences of the analytic gradient) by the delta method.
 *
 * @throws {@link ValidationError} for a bad option.
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when the likelihood is not
 *   finite at the start, `NOT_CONVERGED` when the optimiser fails and
 *   `onNonConvergence` is `'throw'`.
 * @internal
 */
export function maximizeLikelihood<K extends string>(spec: LikelihoodSpec<K>, options: RetentionFitOptions<Record<K, number>> = {}): LikelihoodFit<K> {
  const penalty = options.penalty ?? 0;
  if (!(typeof penalty === 'number' && Number.isFinite(penalty) && penalty >= 0)) {
    throw new ValidationError([{ path: 'options.penalty', message: `penalty must be a finite number of at least 0, got ${String(penalty)}` }]);
  }
  const onNonConvergence = options.onNonConvergence ?? 'throw';
  if (onNonConvergence !== 'throw' && onNonConvergence !== 'return') {
    throw new ValidationError([{ path: 'options.onNonConvergence', message: `expected 'throw' or 'return', got ${String(onNonConvergence)}` }]);
  }
  const start = spec.names.map((name) => {
    const given = options.initial?.[name];
    if (given === undefined) return Math.log(spec.start[name]);
    if (!(typeof given === 'number' && Number.isFinite(given) && given > 0)) {
      throw new ValidationError([{ path: `options.initial.${name}`, message: `a starting value must be a positive finite number, got ${String(given)}` }]);
    }
    return Math.log(given);
  });
  for (const key of ['maxIterations', 'gradientTolerance'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new ValidationError([{ path: `options.${key}`, message: `${key} must be a positive finite number, got ${String(value)}` }]);
    }
  }

  const k = spec.names.length;
  const logScale = spec.names.map((name) => {
    const scale = spec.scale?.[name] ?? 1;
    if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`${spec.model}: the scale of ${name} must be a positive finite number, got ${scale}`);
    return Math.log(scale);
  });
  const natural = new Float64Array(k);
  const gradient = new Float64Array(k);
  const n = spec.customers;
  const objective: QuasiNewtonObjective = (theta, out) => {
    for (let i = 0; i < k; i++) natural[i] = Math.exp(theta[i]!);
    const ll = spec.logLikelihood(natural, gradient);
    let value = -ll / n;
    for (let i = 0; i < k; i++) {
      // The penalty is on the parameter relative to its scale: exp(θᵢ − log sᵢ).
      const relative = Math.exp(theta[i]! - logScale[i]!);
      value += penalty * relative * relative;
      out[i] = (-gradient[i]! * natural[i]!) / n + 2 * penalty * relative * relative;
    }
    return value;
  };

  const probe = new Array<number>(k).fill(0);
  const startValue = objective(start, probe);
  if (!Number.isFinite(startValue) || !probe.every(Number.isFinite)) {
    throw new CrmError('MODEL_NOT_FITTED', `${spec.model}: the log-likelihood is not finite at the starting values, so the fit cannot proceed`, {
      details: { model: spec.model, start: Object.fromEntries(spec.names.map((name, i) => [name, Math.exp(start[i]!)])) },
    });
  }

  const result = minimizeQuasiNewton(objective, start, {
    ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
    gradientTolerance: options.gradientTolerance ?? 1e-8,
  });
  const params = Object.fromEntries(spec.names.map((name, i) => [name, Math.exp(result.x[i]!)])) as Record<K, number>;
  let converged = result.converged;
  let reason = result.reason;
  const runaway = spec.names.findIndex((_, i) => !(Math.abs(result.x[i]! - logScale[i]!) < LOG_PARAMETER_LIMIT));
  if (runaway >= 0) {
    converged = false;
    const name = spec.names[runaway]!;
    reason = `parameter ${name} ran to ${params[name]} (towards ${result.x[runaway]! > logScale[runaway]! ? 'infinity' : 'zero'}): the data do not identify it`;
  }
  if (!converged) {
    // Name the parameters that ran far from their start: the usual cause is a likelihood that keeps
    // rising towards a boundary (e.g. BG/NBD a, b → ∞ when dropout hardly varies between customers).
    const drifted = spec.names.filter((_, i) => Math.abs(result.x[i]! - start[i]!) > DRIFT_LIMIT);
    if (drifted.length > 0) {
      const moves = drifted.map((name) => `${name} from ${Math.exp(start[spec.names.indexOf(name)]!).toPrecision(3)} to ${params[name].toPrecision(3)}`);
      reason += `; ${moves.join(', ')}: the data hardly identify ${drifted.length > 1 ? 'them' : 'it'} (a small penalty, e.g. penalty: 0.001, keeps the estimates finite)`;
    }
  }
  const logLikelihood = spec.logLikelihood(natural.map((_, i) => params[spec.names[i]!]), gradient);
  if (!Number.isFinite(logLikelihood)) {
    converged = false;
    reason = `the log-likelihood is not finite at the last parameters (${reason})`;
  }

  let standardErrors: Record<K, number> | null = null;
  if (converged) {
    const hessian = hessianFromGradient(objective, result.x).map((row) => row.map((v) => v * n));
    const covariance = invertPositiveDefinite(hessian);
    if (covariance) {
      standardErrors = Object.fromEntries(spec.names.map((name, i) => [name, params[name] * Math.sqrt(covariance[i]![i]!)])) as Record<K, number>;
    }
  }

  const fit: LikelihoodFit<K> = {
    params,
    standardErrors,
    logLikelihood,
    converged,
    reason,
    iterations: result.iterations,
    evaluations: result.evaluations,
    gradientNorm: result.gradientNorm,
    customers: n,
    distinctHistories: spec.distinctHistories,
    penalty,
  };
  if (!converged && onNonConvergence === 'throw') {
    throw new CrmError('NOT_CONVERGED', `${spec.model} fit did not converge: ${reason}`, {
      details: { model: spec.model, params, logLikelihood, iterations: result.iterations, gradientNorm: result.gradientNorm, reason },
    });
  }
  return fit;
}
