/**
 * Dynamic batching and a worker pool for inference-style work, with no knowledge of what is
 * computed or how requests arrive.
 *
 * <p>Callers wrap each request in a {@link dev.licnn.batch.Job}, hand it to a {@link
 * dev.licnn.batch.WorkerPool}, and receive the result through the job's future. The pool keeps one
 * bounded queue, groups queued jobs that share a batch key into batches of at most {@code
 * maxBatchSize} (waiting at most {@code maxQueueDelay} to fill one), and runs each batch on one of
 * its worker threads, one thread per device, through a caller-supplied {@link
 * dev.licnn.batch.BatchProcessor}.
 *
 * <p>This package must stay transport-free and model-agnostic: it must not import the LICNN engine
 * ({@code dev.licnn.engine}), DJL ({@code ai.djl}), gRPC ({@code io.grpc}) or generated protocol
 * classes. Adapters in other packages depend on it, never the other way round.
 */
package dev.licnn.batch;
