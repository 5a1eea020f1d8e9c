/**
 * Measurement helpers shared by the benchmarks: sample statistics and the closed-loop load
 * generator. Knows nothing of LICNN, gRPC or DJL.
 */
package dev.licnn.bench;
