/**
 * The paper's experiments and the localisation measures, as a library: each experiment's driver (in
 * {@code blur}, {@code sanity}, {@code softmax}, {@code localisation}), what they share here
 * ({@link dev.licnn.experiments.ServerConnector}, where requests go; {@link
 * dev.licnn.experiments.RunInfo}, the command a run was started with; {@link
 * dev.licnn.experiments.Progress}; {@link dev.licnn.experiments.ExperimentException}, a user's
 * error), and the packages they rest on: {@code data}, {@code stats}, {@code measure}, {@code
 * imaging} and {@code report}. The command line ({@code licnn experiment}) only wires options to
 * them.
 *
 * <p>The module talks to a server only through the client and a {@code ServerConnector}. It must
 * not import the server, the batcher, the bench programs, the CLI, the trainer, picocli, DJL
 * ({@code ai.djl}) or any engine package but {@code dev.licnn.engine.image}; the CLI's {@code
 * ArchitectureTest} checks this.
 */
package dev.licnn.experiments;
