package dev.licnn.cli;

import picocli.CommandLine.Command;

/** Entry points of the engine and service benchmarks, so they run through the launcher. */
final class InternalBenchCommands {

    private InternalBenchCommands() {}

    /** {@code bench-engine}: F, one top-k map, their ratio, stage times and RSS over many maps. */
    @Command(
            name = "bench-engine",
            mixinStandardHelpOptions = true,
            description =
                    "Engine benchmark: forward pass vs one top-k saliency map, in one process. "
                            + "Options: [--arch vgg16 | --model DIR] [--maps 200] [--repeats 11] [--k 5] [--batch 1] "
                            + "[--engines \"java,per-class;tensor,batch\" | --compare].")
    static final class Engine extends MainCommand {
        @Override
        void main(String[] arguments) throws Exception {
            dev.licnn.engine.bench.EngineBench.main(arguments);
        }
    }

    /** {@code bench-service}: the whole service over loopback next to the engine alone. */
    @Command(
            name = "bench-service",
            mixinStandardHelpOptions = true,
            description =
                    "Service benchmark over loopback gRPC: throughput and latency at several concurrencies, "
                            + "final maps only and every layer map streamed, against the engine alone. Options: [--arch vgg16] "
                            + "[--workers cpu|cpu@1,cpu@1] [--clients 1,2,4,8] [--seconds 30] [--min-maps 10] [--k 5] [--max-batch 4] "
                            + "[--queue-delay-ms 5] [--modes final,layers].")
    static final class Service extends MainCommand {
        @Override
        void main(String[] arguments) throws Exception {
            dev.licnn.server.bench.ServiceBench.main(arguments);
        }
    }
}
