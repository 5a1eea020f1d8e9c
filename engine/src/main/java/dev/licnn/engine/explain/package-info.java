/**
 * What every explaining engine shares: the targets of a job, the listener that receives maps as
 * they are computed, the results, and the {@link dev.licnn.engine.explain.Explainer} interface that
 * LICNN and the baselines implement. Imports neither engine, nor gRPC.
 */
package dev.licnn.engine.explain;
